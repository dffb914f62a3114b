package dev.qio.provider.memory;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.written;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Whence;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code buffer:} behaves as a file in memory, not as QEMU's append-only buffer. */
class BufferChannelTest {
    private IoChannel ch;

    @BeforeEach
    void open() throws IOException {
        ch = IoChannels.open("buffer:");
    }

    @AfterEach
    void close() throws IOException {
        ch.close();
    }

    /** Reads everything from 0 without moving the position. */
    private String contents() throws IOException {
        long size = ch.seek(0, Whence.END);
        ch.seek(0, Whence.SET);
        ByteBuffer all = ByteBuffer.allocate((int) size);
        ch.readAll(all);
        return written(all);
    }

    @Test
    void writeSeekRead() throws IOException {
        assertEquals("buffer:", ch.name());
        assertEquals(Set.of(Feature.SEEKABLE), ch.features());
        ch.writeAll(ascii("hello world"));
        assertEquals(0, ch.seek(0, Whence.SET));
        ByteBuffer got = ByteBuffer.allocate(32);
        assertEquals(11, ch.read(got));
        assertEquals("hello world", written(got));
        assertEquals(IoChannel.EOF, ch.read(got.clear()));
    }

    @Test
    void writesOverwriteAtThePosition() throws IOException {
        ch.writeAll(ascii("hello world"));
        ch.seek(0, Whence.SET);
        assertEquals(2, ch.write(ascii("HE")));
        assertEquals(2, ch.seek(0, Whence.CUR));
        assertEquals(11, ch.seek(0, Whence.END), "an overwrite does not append");
        ch.seek(9, Whence.SET);
        ch.writeAll(ascii("LDS!")); // overwrites two, then extends
        assertEquals("HEllo worLDS!", contents());
    }

    @Test
    void writingPastTheEndLeavesAGapOfZeros() throws IOException {
        ch.writeAll(ascii("xy"));
        assertEquals(10, ch.seek(8, Whence.CUR));
        ch.writeAll(ascii("z"));
        assertEquals(11, ch.seek(0, Whence.END));
        ch.seek(0, Whence.SET);
        byte[] got = new byte[11];
        ch.readAll(ByteBuffer.wrap(got));
        byte[] expected = new byte[11];
        expected[0] = 'x';
        expected[1] = 'y';
        expected[10] = 'z';
        assertArrayEquals(expected, got);
    }

    @Test
    void growsFarBeyondItsFirstAllocation() throws IOException {
        try (IoChannel small = IoChannels.open("buffer:?capacity=2")) {
            byte[] data = new byte[100_003];
            new Random(3).nextBytes(data);
            small.writeAll(ByteBuffer.wrap(data, 0, 50_000));
            small.writevAll(ByteBuffer.wrap(data, 50_000, 1), ByteBuffer.wrap(data, 50_001, 50_002));
            assertEquals(data.length, small.seek(0, Whence.CUR));
            small.seek(0, Whence.SET);
            byte[] got = new byte[data.length];
            small.readAll(ByteBuffer.wrap(got));
            assertArrayEquals(data, got);
        }
        try (IoChannel empty = IoChannels.open("buffer:?capacity=0")) {
            assertEquals(3, empty.write(ascii("abc")));
        }
    }

    @Test
    void positionalIoLeavesThePosition() throws IOException {
        ch.writeAll(ascii("0123456789"));
        ch.seek(3, Whence.SET);
        ByteBuffer three = ByteBuffer.allocate(3);
        assertEquals(3, ch.preadv(new ByteBuffer[] {three}, 6));
        assertEquals("678", written(three));
        assertEquals(3, ch.seek(0, Whence.CUR));
        assertEquals(2, ch.pwritev(new ByteBuffer[] {ascii("AB")}, 1));
        assertEquals(3, ch.seek(0, Whence.CUR));
        assertEquals(IoChannel.EOF, ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 10));
        assertEquals(IoChannel.EOF, ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 1000));
        assertEquals(1, ch.pwritev(new ByteBuffer[] {ascii("Z")}, 12));
        assertEquals(3, ch.seek(0, Whence.CUR));
        ByteBuffer rest = ByteBuffer.allocate(16);
        assertEquals(10, ch.read(rest), "the plain read continues at the untouched position");
        assertEquals("3456789\0\0Z", written(rest));
        assertEquals("0AB3456789\0\0Z", contents());
    }

    @Test
    void seekArithmetic() throws IOException {
        ch.writeAll(ascii("0123456789"));
        assertEquals(7, ch.seek(-3, Whence.END));
        assertEquals(9, ch.seek(2, Whence.CUR));
        assertEquals(15, ch.seek(5, Whence.END));
        assertEquals(0, ch.seek(-15, Whence.CUR));
        assertEquals(4, ch.seek(4, Whence.SET));
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one);
        assertEquals("4", written(one));
    }

    @Test
    void negativeSeekIsRejectedQuotingTheValues() throws IOException {
        ch.writeAll(ascii("0123456789"));
        ch.seek(4, Whence.SET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.seek(-11, Whence.END));
        assertTrue(
                e.getMessage().contains("-11")
                        && e.getMessage().contains("END")
                        && e.getMessage().contains("-1"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ch.seek(-5, Whence.CUR));
        assertThrows(IllegalArgumentException.class, () -> ch.seek(-1, Whence.SET));
        assertThrows(IllegalArgumentException.class, () -> ch.seek(Long.MAX_VALUE, Whence.END));
        assertEquals(4, ch.seek(0, Whence.CUR), "a refused seek leaves the position");
    }

    @Test
    void writeBeyondTheMaximumSizeFailsNamingTheChannel() throws IOException {
        ch.seek(BufferChannel.MAX_SIZE, Whence.SET);
        IOException e = assertThrows(IOException.class, () -> ch.write(ascii("x")));
        assertTrue(e.getMessage().startsWith("buffer:"), e.getMessage());
        assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(1)));
    }

    @Test
    void nonBlockingModeChangesNothing() throws IOException {
        ch.setBlocking(false);
        assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(1)));
        assertEquals(3, ch.write(ascii("abc")));
        ch.await(IoCondition.IN);
        ch.await(IoCondition.OUT);
        assertEquals("abc", contents());
    }

    @Test
    void refusesWhatItDoesNotAdvertiseAndIoAfterClose() throws IOException {
        assertThrows(UnsupportedFeatureException.class, () -> ch.shutdown(Shutdown.BOTH));
        ch.writeAll(ascii("abc"));
        ch.close();
        ch.close();
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> ch.seek(0, Whence.SET));
    }

    @Test
    void concurrentReaderAndWriterKeepTheBytesConsistent() throws Exception {
        byte[] chunk = new byte[1000];
        Arrays.fill(chunk, (byte) 7);
        var writer = Background.start("writer", () -> {
            for (int i = 0; i < 200; i++) {
                ch.pwritev(new ByteBuffer[] {ByteBuffer.wrap(chunk)}, (long) i * chunk.length);
            }
            return null;
        });
        ByteBuffer probe = ByteBuffer.allocate(chunk.length);
        for (int i = 0; i < 200; i++) {
            long n = ch.preadv(new ByteBuffer[] {probe.clear()}, 0);
            for (int j = 0; j < probe.position(); j++) {
                assertEquals(7, probe.get(j), "read " + n + " bytes; byte " + j);
            }
        }
        writer.result();
        assertEquals(200_000, ch.seek(0, Whence.END));
    }
}
