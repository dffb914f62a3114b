package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link Iov}: remaining, fill, drain and check. */
class IovTest {

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /** Three buffers with room 2, 0 and 3. */
    private static ByteBuffer[] iov() {
        return new ByteBuffer[] {ByteBuffer.allocate(2), ByteBuffer.allocate(0), ByteBuffer.allocate(3)};
    }

    @Test
    void remainingSumsEveryBuffer() {
        ByteBuffer partlyUsed = ByteBuffer.allocate(10).position(4);

        assertEquals(0, Iov.remaining(new ByteBuffer[0]));
        assertEquals(
                6 + 0 + 3,
                Iov.remaining(new ByteBuffer[] {partlyUsed, ByteBuffer.allocate(0), ByteBuffer.allocate(3)}));
    }

    @Test
    void fillMovesTheSmallerOfRoomAndSourceInOrderAcrossBuffers() {
        ByteBuffer[] iov = iov();
        ByteBuffer src = bytes(1, 2, 3, 4, 5, 6, 7);

        assertEquals(5, Iov.fill(iov, src, Integer.MAX_VALUE));

        assertArrayEquals(new byte[] {1, 2}, iov[0].array());
        assertArrayEquals(new byte[] {3, 4, 5}, iov[2].array());
        assertEquals(0, Iov.remaining(iov));
        assertEquals(5, src.position(), "the source advanced by what moved");
    }

    @Test
    void fillStopsWhenTheSourceRunsOut() {
        ByteBuffer[] iov = iov();
        ByteBuffer src = bytes(9, 8, 7);

        assertEquals(3, Iov.fill(iov, src, 100));

        assertEquals(2, iov[0].position());
        assertEquals(1, iov[2].position());
        assertEquals(9, iov[0].get(0));
        assertEquals(7, iov[2].get(0));
        assertEquals(0, src.remaining());
    }

    @Test
    void fillRespectsMax() {
        ByteBuffer[] iov = iov();
        ByteBuffer src = bytes(1, 2, 3, 4, 5);

        assertEquals(3, Iov.fill(iov, src, 3));

        assertEquals(2, iov[0].position());
        assertEquals(1, iov[2].position());
        assertEquals(3, src.position());
    }

    @Test
    void fillWithMaxZeroMovesNothing() {
        ByteBuffer[] iov = iov();
        ByteBuffer src = bytes(1, 2);

        assertEquals(0, Iov.fill(iov, src, 0));

        assertEquals(0, src.position());
        assertEquals(5, Iov.remaining(iov));
    }

    @Test
    void fillStartsAtEachPositionAndLeavesBytesBeforeIt() {
        ByteBuffer dst = ByteBuffer.wrap(new byte[] {42, 0, 0}).position(1);

        assertEquals(2, Iov.fill(new ByteBuffer[] {dst}, bytes(1, 2), 10));

        assertArrayEquals(new byte[] {42, 1, 2}, dst.array());
    }

    @Test
    void drainMovesTheSmallerOfIovAndRoomInOrderAcrossBuffers() {
        ByteBuffer[] iov = {bytes(1, 2), ByteBuffer.allocate(0), bytes(3, 4, 5)};
        ByteBuffer dst = ByteBuffer.allocate(4);

        assertEquals(4, Iov.drain(iov, dst, Integer.MAX_VALUE));

        assertArrayEquals(new byte[] {1, 2, 3, 4}, dst.array());
        assertEquals(2, iov[0].position());
        assertEquals(2, iov[2].position());
        assertEquals(1, Iov.remaining(iov));
    }

    @Test
    void drainStopsWhenTheIovRunsOut() {
        ByteBuffer[] iov = {bytes(1), ByteBuffer.allocate(0), bytes(2)};
        ByteBuffer dst = ByteBuffer.allocate(10);

        assertEquals(2, Iov.drain(iov, dst, 10));

        assertEquals(2, dst.position());
        assertEquals(0, Iov.remaining(iov));
    }

    @Test
    void drainRespectsMax() {
        ByteBuffer[] iov = {bytes(1, 2), bytes(3, 4, 5)};
        ByteBuffer dst = ByteBuffer.allocate(10);

        assertEquals(3, Iov.drain(iov, dst, 3));

        assertEquals(3, dst.position());
        assertEquals(0, iov[0].remaining());
        assertEquals(2, iov[1].remaining());
    }

    @Test
    void checkNamesTheIndexOfANullBuffer() {
        ByteBuffer[] iov = {ByteBuffer.allocate(1), null};

        NullPointerException e = assertThrows(NullPointerException.class, () -> Iov.check(iov, false));

        assertTrue(e.getMessage().contains("iov[1]"), e.getMessage());
    }

    @Test
    void checkRefusesANullIov() {
        assertThrows(NullPointerException.class, () -> Iov.check(null, true));
    }

    @Test
    void checkNamesTheIndexOfAReadOnlyBufferInARead() {
        ByteBuffer[] iov = {
            ByteBuffer.allocate(1),
            ByteBuffer.allocate(1),
            ByteBuffer.allocate(1).asReadOnlyBuffer()
        };

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Iov.check(iov, true));

        assertTrue(e.getMessage().contains("iov[2]"), e.getMessage());
    }

    @Test
    void checkAcceptsAReadOnlyBufferInAWrite() {
        assertDoesNotThrow(
                () -> Iov.check(new ByteBuffer[] {ByteBuffer.allocate(1).asReadOnlyBuffer()}, false));
    }
}
