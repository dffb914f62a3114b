package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ByteRing}: wrap-round, full and empty, iovs across the end, growth, pump runs and both ends. */
@Timeout(30)
class ByteRingTest {

    private static ByteBuffer[] iovOf(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return new ByteBuffer[] {b.flip()};
    }

    /** Reads everything buffered, without waiting, into fresh bytes. */
    private static byte[] drain(ByteRing ring) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(ring.capacity());
        long n = ring.read(new ByteBuffer[] {dst}, false);
        return n < 0 ? new byte[0] : Arrays.copyOf(dst.array(), (int) n);
    }

    @Test
    void bytesComeOutInOrderAcrossTheWrap() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        assertEquals(6, ring.write(iovOf(1, 2, 3, 4, 5, 6), false));
        ByteBuffer four = ByteBuffer.allocate(4);
        assertEquals(4, ring.read(new ByteBuffer[] {four}, false)); // head now at 4, two bytes left

        assertEquals(5, ring.write(iovOf(7, 8, 9, 10, 11), false), "fills the end, then wraps to the start");

        assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10, 11}, drain(ring));
        assertEquals(11, readOffset(ring));
    }

    @Test
    void aFullRingTakesNothingMoreAndAnEmptyOneGivesNothing() throws IOException {
        ByteRing ring = new ByteRing(4, 4);
        ByteBuffer[] empty = {ByteBuffer.allocate(4)};
        assertEquals(IoChannel.ERR_BLOCK, ring.read(empty, false));
        assertTrue(ring.hasRoom());
        assertFalse(ring.readable());

        assertEquals(4, ring.write(iovOf(1, 2, 3, 4, 5, 6), false), "takes what fits");

        assertFalse(ring.hasRoom());
        assertTrue(ring.readable());
        assertEquals(IoChannel.ERR_BLOCK, ring.write(iovOf(9), false));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, drain(ring));
    }

    @Test
    void iovsOfSeveralBuffersGoInAndOutAcrossTheEnd() throws IOException {
        ByteRing ring = new ByteRing(10, 10);
        ring.write(iovOf(0, 0, 0, 0, 0, 0, 0), false);
        ring.read(new ByteBuffer[] {ByteBuffer.allocate(7)}, false); // head at 7: 3 bytes to the end

        ByteBuffer[] in = {iovOf(1, 2)[0], ByteBuffer.allocate(0), iovOf(3, 4, 5)[0], iovOf(6, 7, 8)[0]};
        assertEquals(8, ring.write(in, false));
        ByteBuffer a = ByteBuffer.allocate(1);
        ByteBuffer b = ByteBuffer.allocate(5);
        ByteBuffer c = ByteBuffer.allocate(4);

        assertEquals(8, ring.read(new ByteBuffer[] {a, b, c}, false));

        assertArrayEquals(new byte[] {1}, a.array());
        assertArrayEquals(new byte[] {2, 3, 4, 5, 6}, b.array());
        assertArrayEquals(new byte[] {7, 8, 0, 0}, c.array());
        assertEquals(2, c.position());
    }

    @Test
    void takeStopsAtItsLimitAndPutAtItsMax() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        ring.lock();
        try {
            assertEquals(3, ring.put(iovOf(1, 2, 3, 4, 5), 3));
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertEquals(2, ring.take(new ByteBuffer[] {dst}, 2));
            assertEquals(2, ring.readOffset());
            assertEquals(1, ring.size());
        } finally {
            ring.unlock();
        }
    }

    @Test
    void theArrayGrowsOnDemandAndKeepsTheBytesInOrder() throws IOException {
        ByteRing ring = new ByteRing(64, 4);
        ring.write(iovOf(1, 2, 3), false);
        ring.read(new ByteBuffer[] {ByteBuffer.allocate(2)}, false);
        ring.write(iovOf(4, 5), false); // wraps in the 4-byte array: 3 | 4 5 at the start

        byte[] many = new byte[40];
        Arrays.fill(many, (byte) 9);
        assertEquals(40, ring.write(new ByteBuffer[] {ByteBuffer.wrap(many)}, false));

        byte[] got = drain(ring);
        assertEquals(43, got.length);
        assertArrayEquals(new byte[] {3, 4, 5, 9}, Arrays.copyOf(got, 4));
    }

    @Test
    void theWriterEndingLetsTheReaderDrainThenReadEof() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        ring.write(iovOf(1, 2), false);
        ring.endWriter(null);
        ring.endWriter(new IOException("later")); // the first end stays

        assertTrue(ring.writeFails());
        assertEquals(
                ByteRing.Status.SHUT_DOWN,
                assertThrows(ByteRing.Stopped.class, () -> ring.write(iovOf(3), false))
                        .status());
        assertArrayEquals(new byte[] {1, 2}, drain(ring));
        assertEquals(IoChannel.EOF, ring.read(new ByteBuffer[] {ByteBuffer.allocate(1)}, true));
    }

    @Test
    void theWriterEndingWithACauseFailsReadsOnceDrained() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        IOException cause = new IOException("stream failed");
        ring.write(iovOf(1), false);
        ring.endWriter(cause);

        assertArrayEquals(new byte[] {1}, drain(ring));
        ByteRing.Stopped stopped =
                assertThrows(ByteRing.Stopped.class, () -> ring.read(new ByteBuffer[] {ByteBuffer.allocate(1)}, false));
        assertEquals(ByteRing.Status.FAILED, stopped.status());
        assertSame(cause, stopped.getCause());
        assertSame(cause, ring.writerCause());
    }

    @Test
    void theReaderEndingDropsTheBytesAndBreaksWrites() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        IOException cause = new IOException("Broken pipe");
        ring.write(iovOf(1, 2, 3), false);
        ring.endReader(cause);

        assertEquals(IoChannel.EOF, ring.read(new ByteBuffer[] {ByteBuffer.allocate(4)}, true));
        ByteRing.Stopped stopped = assertThrows(ByteRing.Stopped.class, () -> ring.write(iovOf(4), true));
        assertEquals(ByteRing.Status.BROKEN, stopped.status());
        assertSame(cause, stopped.getCause());
        assertEquals(3, readOffset(ring), "dropped bytes count as gone");
    }

    @Test
    void endsWakeABlockedReaderAndWriter() throws Exception {
        ByteRing empty = new ByteRing(4, 4);
        Background<Long> reader =
                Background.start("reader", () -> empty.read(new ByteBuffer[] {ByteBuffer.allocate(1)}, true));
        reader.awaitParkedIn(ByteRing.class);
        empty.endWriter(null);
        assertEquals(IoChannel.EOF, reader.result());

        ByteRing full = new ByteRing(1, 1);
        full.write(iovOf(1), false);
        Background<Long> writer = Background.start("writer", () -> full.write(iovOf(2), true));
        writer.awaitParkedIn(ByteRing.class);
        full.endReader(null);
        assertEquals(
                ByteRing.Status.BROKEN,
                assertInstanceOf(ByteRing.Stopped.class, writer.failure()).status());
    }

    @Test
    void aBlockedReaderTakesWhatAWriterPuts() throws Exception {
        ByteRing ring = new ByteRing(4, 4);
        ByteBuffer dst = ByteBuffer.allocate(4);
        Background<Long> reader = Background.start("reader", () -> ring.read(new ByteBuffer[] {dst}, true));
        reader.awaitParkedIn(ByteRing.class);

        ring.write(iovOf(7, 8), false);

        assertEquals(2, reader.result());
        assertEquals(7, dst.get(0));
    }

    @Test
    void anInterruptedWaitStopsWithTheInterruptStatusSet() throws Exception {
        ByteRing ring = new ByteRing(4, 4);
        Background<Boolean> reader = Background.start("reader", () -> {
            ByteRing.Stopped e = assertThrows(
                    ByteRing.Stopped.class, () -> ring.read(new ByteBuffer[] {ByteBuffer.allocate(1)}, true));
            assertEquals(ByteRing.Status.INTERRUPTED, e.status());
            return Thread.currentThread().isInterrupted();
        });
        reader.awaitParkedIn(ByteRing.class);
        reader.thread().interrupt();
        assertTrue(reader.result());
    }

    @Test
    void aReadingPumpWritesOutRunsThatStopAtTheArraysEnd() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        ring.write(iovOf(0, 0, 0, 0, 0, 0), false);
        ring.read(new ByteBuffer[] {ByteBuffer.allocate(6)}, false); // emptied: the start rewinds to 0
        ring.write(iovOf(1, 2, 3, 4, 5, 6), false);
        ring.read(new ByteBuffer[] {ByteBuffer.allocate(5)}, false);
        ring.write(iovOf(7, 8, 9), false); // 6 at index 5, then 7 8 at 6 7 and 9 at 0

        assertEquals(List.of(5, 3), readRun(ring, 100));
        assertEquals(6, ring.array()[5]);
        ring.consumed(3);
        assertEquals(List.of(0, 1), readRun(ring, 100));
        ring.consumed(1);

        ring.endWriter(null);
        ring.lock();
        try {
            assertEquals(IoChannel.EOF, ring.awaitReadRun(100), "shut down and drained");
        } finally {
            ring.unlock();
        }
    }

    @Test
    void aWritingPumpFillsRunsThatTheReaderDoesNotRewind() throws IOException {
        ByteRing ring = new ByteRing(8, 8);
        ring.lock();
        int start;
        int free;
        try {
            free = ring.awaitWriteRun();
            start = ring.writeRunStart();
        } finally {
            ring.unlock();
        }
        assertEquals(8, free);
        ring.array()[start] = 42;
        ring.produced(1);

        ring.lock();
        try {
            assertEquals(7, ring.awaitWriteRun(), "the run after the byte, to the array's end");
            assertEquals(1, ring.writeRunStart());
        } finally {
            ring.unlock();
        }
        assertArrayEquals(new byte[] {42}, drain(ring), "emptied while the run is out");
        ring.array()[1] = 43;
        ring.produced(1);
        assertArrayEquals(new byte[] {43}, drain(ring), "the run was not rewound under the pump");
    }

    @Test
    void aWriteRunCommittedAfterTheReaderEndedIsDropped() throws IOException {
        ByteRing ring = new ByteRing(4, 4);
        ring.lock();
        try {
            ring.awaitWriteRun();
        } finally {
            ring.unlock();
        }
        ring.endReader(null);
        ring.produced(4);
        assertEquals(0, ring.size());
        assertEquals(IoChannel.EOF, ring.read(new ByteBuffer[] {ByteBuffer.allocate(4)}, false));
    }

    @Test
    void rejectsABadCapacity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ByteRing(0, 1));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ByteRing(4, 0));
    }

    private static long readOffset(ByteRing ring) {
        ring.lock();
        try {
            return ring.readOffset();
        } finally {
            ring.unlock();
        }
    }

    /** The start and length of the read run the ring gives now. */
    private static List<Integer> readRun(ByteRing ring, int max) {
        ring.lock();
        try {
            int n = ring.awaitReadRun(max);
            return List.of(ring.readRunStart(), n);
        } finally {
            ring.unlock();
        }
    }
}
