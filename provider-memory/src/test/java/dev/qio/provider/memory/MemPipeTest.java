package dev.qio.provider.memory;

import static dev.qio.provider.memory.TestSupport.uniqueName;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.written;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour of a connected {@code mem://} pair: bounds, half-close, close and wake-ups. */
@Timeout(30)
class MemPipeTest {
    private static final Class<?> PIPE = MemPipe.class;

    private IoListener listener;
    private IoChannel client;
    private IoChannel server;

    /** Connects a fresh pair; {@code listenQuery}/{@code openQuery} are "" or "?capacity=N". */
    private void connect(String listenQuery, String openQuery) throws IOException {
        String name = uniqueName("pipe");
        listener = IoChannels.listen("mem://" + name + listenQuery);
        client = IoChannels.open("mem://" + name + openQuery);
        server = listener.accept();
    }

    @AfterEach
    void closeAll() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {client, server, listener}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    private static int writeNonBlocking(IoChannel ch, int n) throws IOException {
        ch.setBlocking(false);
        return ch.write(ByteBuffer.allocate(n));
    }

    @Test
    void advertisesItsFeatures() throws IOException {
        connect("", "");
        assertTrue(client.features().containsAll(EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO)));
        assertFalse(client.hasFeature(Feature.SEEKABLE));
    }

    @Test
    void nonBlockingWriteStopsAtCapacity() throws IOException {
        connect("", "?capacity=16");
        assertEquals(16, writeNonBlocking(client, 20));
        assertEquals(IoChannel.ERR_BLOCK, client.write(ByteBuffer.allocate(1)));
        ByteBuffer got = ByteBuffer.allocate(32);
        assertEquals(16, server.read(got));
        assertEquals(4, client.write(ByteBuffer.allocate(4)));
    }

    @Test
    void capacityComesFromOpenerThenListenerThenDefault() throws IOException {
        connect("?capacity=8", "");
        assertEquals(8, writeNonBlocking(client, 20));
        assertEquals(8, writeNonBlocking(server, 20), "both directions have the same bound");
        closeAll();
        connect("?capacity=8", "?capacity=32");
        assertEquals(32, writeNonBlocking(client, 40));
        closeAll();
        connect("", "");
        assertEquals(64 * 1024, writeNonBlocking(client, 100_000));
    }

    @Test
    void nonBlockingReadOfEmptyPipeIsErrBlock() throws IOException {
        connect("", "");
        server.setBlocking(false);
        assertEquals(IoChannel.ERR_BLOCK, server.read(ByteBuffer.allocate(4)));
    }

    @Test
    void bytesSurviveWrappingRoundTheRing() throws IOException {
        connect("", "?capacity=10");
        client.writeAll(ascii("abcdefg"));
        ByteBuffer first = ByteBuffer.allocate(5);
        assertEquals(5, server.read(first));
        assertEquals("abcde", written(first));
        assertEquals(7, client.write(ascii("hijklmn")));
        ByteBuffer a = ByteBuffer.allocate(4);
        ByteBuffer b = ByteBuffer.allocate(10);
        assertEquals(9, server.readv(a, b));
        assertEquals("fghi", written(a));
        assertEquals("jklmn", written(b));
    }

    @Test
    void megabyteStreamsThroughASmallPipeIntact() throws Exception {
        connect("", "?capacity=1000");
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        var writer = Background.start("writer", () -> {
            Random sizes = new Random(7);
            for (int off = 0; off < data.length; ) {
                int n = Math.min(data.length - off, 1 + sizes.nextInt(4093));
                int half = n / 2;
                client.writevAll(ByteBuffer.wrap(data, off, half), ByteBuffer.wrap(data, off + half, n - half));
                off += n;
            }
            client.shutdown(Shutdown.WRITE);
            return null;
        });
        byte[] got = new byte[data.length];
        ByteBuffer direct = ByteBuffer.allocateDirect(777);
        int total = 0;
        for (long n; (n = server.read(direct.clear())) != IoChannel.EOF; total += (int) n) {
            direct.flip().get(got, total, (int) n);
        }
        writer.result();
        assertEquals(data.length, total);
        assertArrayEquals(data, got);
    }

    @Test
    void shutdownWriteLetsThePeerDrainThenEofAndStillReply() throws IOException {
        connect("", "");
        client.writeAll(ascii("last words"));
        client.shutdown(Shutdown.WRITE);
        client.shutdown(Shutdown.WRITE); // idempotent
        ByteBuffer got = ByteBuffer.allocate(10);
        server.readAll(got);
        assertEquals("last words", written(got));
        assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(1)));
        assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(1)), "EOF for ever");
        IOException e = assertThrows(IOException.class, () -> client.write(ascii("more")));
        assertTrue(e.getMessage().contains("shut down for writing"), e.getMessage());
        assertTrue(e.getMessage().contains(client.name()), e.getMessage());
        server.writeAll(ascii("ok"));
        ByteBuffer reply = ByteBuffer.allocate(2);
        client.readAll(reply);
        assertEquals("ok", written(reply));
    }

    @Test
    void shutdownReadWakesABlockedReaderWithEof() throws Exception {
        connect("", "");
        var reader = Background.start("reader", () -> server.read(ByteBuffer.allocate(8)));
        reader.awaitBlockedIn(PIPE);
        server.shutdown(Shutdown.READ);
        assertEquals(IoChannel.EOF, reader.result());
        assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(8)));
        IOException e = assertThrows(IOException.class, () -> client.write(ascii("x")));
        assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
    }

    @Test
    void shutdownReadDropsWhatWasBuffered() throws IOException {
        connect("", "");
        client.writeAll(ascii("unread"));
        server.shutdown(Shutdown.READ);
        assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(8)));
        server.writeAll(ascii("up")); // the other direction is untouched
        ByteBuffer got = ByteBuffer.allocate(2);
        client.readAll(got);
        assertEquals("up", written(got));
    }

    @Test
    void peerCloseMeansDrainThenEofAndBrokenPipe() throws IOException {
        connect("", "");
        server.writeAll(ascii("bye"));
        server.close();
        ByteBuffer got = ByteBuffer.allocate(3);
        client.readAll(got);
        assertEquals("bye", written(got));
        assertEquals(IoChannel.EOF, client.read(ByteBuffer.allocate(1)));
        IOException e = assertThrows(IOException.class, () -> client.write(ascii("x")));
        assertFalse(e instanceof ClosedChannelException, "the peer is gone, not this channel: " + e);
        assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
        assertTrue(e.getMessage().contains(client.name()), e.getMessage());
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        connect("", "");
        var reader = Background.start("reader", () -> client.read(ByteBuffer.allocate(8)));
        reader.awaitBlockedIn(PIPE);
        client.close();
        assertInstanceOf(AsynchronousCloseException.class, reader.failure());
        assertThrows(ClosedChannelException.class, () -> client.read(ByteBuffer.allocate(1)));
        assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(1)), "the peer sees EOF");
    }

    @Test
    void closeWakesABlockedWriter() throws Exception {
        connect("", "?capacity=4");
        client.writeAll(ascii("full"));
        var writer = Background.start("writer", () -> client.write(ascii("more")));
        writer.awaitBlockedIn(PIPE);
        client.close();
        assertInstanceOf(AsynchronousCloseException.class, writer.failure());
        ByteBuffer got = ByteBuffer.allocate(8);
        assertEquals(4, server.read(got), "what was written before the close still arrives");
        assertEquals(IoChannel.EOF, server.read(got));
    }

    @Test
    void peerReadShutdownWakesABlockedWriterWithBrokenPipe() throws Exception {
        connect("", "?capacity=4");
        client.writeAll(ascii("full"));
        var writer = Background.start("writer", () -> client.write(ascii("more")));
        writer.awaitBlockedIn(PIPE);
        server.shutdown(Shutdown.READ);
        Throwable t = writer.failure();
        assertInstanceOf(IOException.class, t);
        assertTrue(t.getMessage().contains("Broken pipe"), t.getMessage());
    }

    @Test
    void interruptWakesABlockedReader() throws Exception {
        connect("", "");
        var reader = Background.start("reader", () -> server.read(ByteBuffer.allocate(8)));
        reader.awaitBlockedIn(PIPE);
        reader.thread().interrupt();
        assertInstanceOf(InterruptedIOException.class, reader.failure());
        assertTrue(server.isOpen());
    }

    private static Set<IoCondition> poll(IoChannel ch) {
        return ((MemChannel) ch).readiness().poll();
    }

    @Test
    void readinessFollowsThePipes() throws IOException {
        connect("", "?capacity=4");
        assertEquals(Set.of(IoCondition.OUT), poll(client));
        server.writeAll(ascii("s"));
        assertEquals(Set.of(IoCondition.IN, IoCondition.OUT), poll(client));
        client.writeAll(ascii("full"));
        assertEquals(Set.of(IoCondition.IN), poll(client), "a full pipe is not writable");
        server.shutdown(Shutdown.WRITE);
        assertEquals(Set.of(IoCondition.IN, IoCondition.HUP), poll(client));
        server.shutdown(Shutdown.READ);
        assertEquals(
                Set.of(IoCondition.IN, IoCondition.HUP, IoCondition.OUT, IoCondition.ERR),
                poll(client),
                "a write would fail at once");
        client.await(IoCondition.OUT); // returns at once: the next write reports the failure
        assertThrows(IOException.class, () -> client.write(ByteBuffer.allocate(1)));
    }

    @Test
    void ownShutdownsShowInReadiness() throws IOException {
        connect("", "");
        client.shutdown(Shutdown.READ);
        assertEquals(Set.of(IoCondition.IN, IoCondition.OUT), poll(client), "reads return EOF at once");
        client.shutdown(Shutdown.WRITE);
        assertEquals(Set.of(IoCondition.IN, IoCondition.OUT, IoCondition.ERR), poll(client));
        assertEquals(Set.of(IoCondition.IN, IoCondition.HUP, IoCondition.OUT, IoCondition.ERR), poll(server));
    }

    @Test
    void watchSeesDataAndHangUp() throws Exception {
        connect("", "");
        CountDownLatch in = new CountDownLatch(1);
        CountDownLatch hup = new CountDownLatch(1);
        try (EventLoop loop = EventLoop.create("mem-watch-test")) {
            server.addWatch(
                    Set.of(IoCondition.IN),
                    (ch, ready) -> {
                        in.countDown();
                        return false;
                    },
                    loop);
            client.writeAll(ascii("x"));
            assertTrue(in.await(20, TimeUnit.SECONDS), "IN after the peer wrote");
            server.addWatch(
                    Set.of(IoCondition.HUP),
                    (ch, ready) -> {
                        hup.countDown();
                        return false;
                    },
                    loop);
            client.shutdown(Shutdown.WRITE);
            assertTrue(hup.await(20, TimeUnit.SECONDS), "HUP after the peer shut down writing");
        }
    }

    @Test
    void readAndWriteRunAtOnceOnOneChannel() throws Exception {
        connect("", "?capacity=64");
        byte[] out = new byte[100_000];
        new Random(1).nextBytes(out);
        // The client writes more than both pipes hold while it also reads: only concurrent I/O finishes.
        var echo = Background.start("echo", () -> {
            ByteBuffer buf = ByteBuffer.allocate(100);
            for (long n; (n = server.read(buf.clear())) != IoChannel.EOF; ) {
                server.writeAll(buf.flip());
            }
            server.shutdown(Shutdown.WRITE);
            return null;
        });
        var sender = Background.start("sender", () -> {
            client.writeAll(ByteBuffer.wrap(out));
            client.shutdown(Shutdown.WRITE);
            return null;
        });
        ByteBuffer back = ByteBuffer.allocate(out.length);
        assertTrue(client.readAllEof(back));
        sender.result();
        echo.result();
        assertArrayEquals(out, back.array());
    }
}
