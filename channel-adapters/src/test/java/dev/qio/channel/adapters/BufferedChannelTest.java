package dev.qio.channel.adapters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link BufferedChannels#buffered} adds to a channel, over {@code mem://}: bytes held until
 * flush, large writes past the buffer, flush and close and shutdown pushing, non-blocking mode.
 * The kit checks the rest ({@code Buffered*ConformanceTest}).
 */
@Timeout(60)
class BufferedChannelTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final ChannelPair pair;
    private final IoChannel out;
    private final IoChannel peer;

    BufferedChannelTest() throws IOException {
        pair = ChannelPair.connected(IoChannels.registry(), "mem://buffered-unit-" + NAMES.incrementAndGet(), "");
        out = BufferedChannels.buffered(pair.writer(), 16);
        peer = pair.reader();
    }

    @AfterEach
    void tearDown() throws IOException {
        out.close();
        pair.close();
    }

    private static ByteBuffer bytes(int from, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (from + i));
        }
        return b.flip();
    }

    /** What the peer has now, without waiting. */
    private byte[] available() throws IOException {
        peer.setBlocking(false);
        ByteBuffer got = ByteBuffer.allocate(1 << 20);
        while (peer.read(got) > 0) {
            // drain
        }
        peer.setBlocking(true);
        return java.util.Arrays.copyOf(got.array(), got.position());
    }

    @Test
    void writesThatFitAreHeldUntilFlush() throws IOException {
        assertEquals(10, out.write(bytes(0, 10)));
        assertEquals(6, out.write(bytes(10, 6))); // exactly full
        assertEquals(0, available().length, "nothing reaches the peer before flush");

        assertEquals(0, out.flush());

        assertArrayEquals(bytes(0, 16).array(), available());
    }

    @Test
    void aWriteLargerThanTheRoomGoesOutBehindTheHeldBytes() throws IOException {
        out.write(bytes(0, 10));
        ByteBuffer big = bytes(10, 40);

        out.writeAll(big); // 40 > the 6 left: held bytes and these go together

        assertFalse(big.hasRemaining());
        byte[] seen = available();
        assertTrue(seen.length >= 10, "the held bytes went out with the large write: " + seen.length);
        out.flush();
        byte[] all = java.util.Arrays.copyOf(seen, 50);
        System.arraycopy(available(), 0, all, seen.length, 50 - seen.length);
        assertArrayEquals(bytes(0, 50).array(), all, "in order, nothing lost");
    }

    @Test
    void closePushesTheHeldBytesThenClosesTheInnerChannel() throws IOException {
        out.write(bytes(0, 5));

        out.close();

        assertFalse(pair.writer().isOpen());
        assertArrayEquals(bytes(0, 5).array(), TestIo.readToEof(peer));
    }

    @Test
    void shutdownWritePushesTheHeldBytesBeforeTheEnd() throws IOException {
        out.write(bytes(0, 5));

        out.shutdown(Shutdown.WRITE);

        assertArrayEquals(bytes(0, 5).array(), TestIo.readToEof(peer));
    }

    @Test
    void closeWhoseFlushFailsStillClosesTheInnerChannelAndThrows() throws IOException {
        out.write(bytes(0, 5));
        peer.close(); // the push meets a gone peer

        assertThrows(IOException.class, out::close);

        assertFalse(pair.writer().isOpen());
        assertFalse(out.isOpen());
    }

    @Test
    void nonBlockingWritesFillTheBufferThenReturnErrBlockWithoutLosingBytes() throws IOException {
        out.setBlocking(false);
        long accepted = 0;
        ByteBuffer chunk = ByteBuffer.allocate(7);
        long n;
        int from = 0;
        while (true) {
            chunk.clear();
            for (int i = 0; i < 7; i++) {
                chunk.put((byte) (from + i));
            }
            chunk.flip();
            n = out.write(chunk);
            if (n == IoChannel.ERR_BLOCK) {
                assertEquals(7, chunk.remaining(), "a refused write leaves the caller's buffer as it was");
                break;
            }
            accepted += n;
            from += (int) n; // a partial write: the rest is sent again from where it stopped
        }
        assertEquals(IoChannel.ERR_BLOCK, out.flush(), "the inner channel is full, so bytes stay held");

        out.setBlocking(true);
        long[] drained = new long[1];
        Thread reader = Thread.ofPlatform().start(() -> drained[0] = readCount(peer));
        assertEquals(0, out.flush()); // blocking: pushes the rest as the reader drains
        out.close();
        join(reader);
        assertEquals(accepted, drained[0], "every accepted byte reaches the peer");
    }

    @Test
    void closeDoesNotWaitForAPeerThatDoesNotRead() throws IOException {
        out.setBlocking(false);
        while (out.write(bytes(0, 7)) != IoChannel.ERR_BLOCK) {
            // fill the inner channel, then the buffer
        }
        out.setBlocking(true);

        out.close(); // returns: the held bytes that find no room are dropped (with a warning)

        assertFalse(pair.writer().isOpen());
    }

    @Test
    void capacityBelowOneIsRefusedNamingTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BufferedChannels.buffered(peer, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    private static long readCount(IoChannel ch) {
        try {
            return TestIo.readToEof(ch).length;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
