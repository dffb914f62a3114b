package dev.qio.provider.tls;

import static dev.qio.testkit.Background.HANG_GUARD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-blocking TLS over a {@code mem://} pair, wrapped by hand: {@code handshakeAsync} drives
 * both ends from one loop thread (QEMU's test shape) and restores each end's blocking mode;
 * plaintext already decrypted makes {@code await(IN)} and an IN watch ready although the inner
 * channel is quiet (QEMU's pending-data source); a read with nothing sent is {@code ERR_BLOCK}; a
 * write into a full pipe is {@code ERR_BLOCK} without consuming the caller's bytes, and the
 * retry delivers everything in order; closing during the handshake fails its future.
 */
@SuppressWarnings("try") // resources closed by try-with-resources only, or closed early on purpose
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsNonBlockingTest {
    private EventLoop loop;
    private IoListener memListener;
    private IoChannel clientInner;
    private IoChannel serverInner;
    private TlsChannel client;
    private TlsChannel server;

    /** A mem pair of {@code capacity} bytes each way, and a TLS client and server over it, not shaken hands. */
    private void wrap(int capacity) throws IOException {
        wrap(capacity, TlsCredentials.fromDirectory(TlsFixtures.creds()));
    }

    private void wrap(int capacity, TlsCredentials serverCreds) throws IOException {
        memListener = IoChannels.listen("mem://" + TlsTestSupport.memName() + "?capacity=" + capacity);
        clientInner = IoChannels.open(memListener.localUri());
        serverInner = memListener.accept();
        client = TlsChannels.client(clientInner, TlsCredentials.fromDirectory(TlsFixtures.creds()), "localhost");
        server = TlsChannels.server(serverInner, serverCreds);
    }

    @BeforeEach
    void createLoop() {
        loop = EventLoop.create("tls-nonblocking-test");
    }

    @AfterEach
    void closeAll() throws IOException {
        try (EventLoop l = loop;
                IoListener m = memListener;
                IoChannel ci = clientInner;
                IoChannel si = serverInner;
                IoChannel c = client;
                IoChannel s = server) {
            // closed in reverse order: TLS ends, inner ends, listener, then the loop
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private void handshakeOnLoop() throws Exception {
        CompletableFuture<TlsChannel> c = client.handshakeAsync(loop);
        CompletableFuture<TlsChannel> s = server.handshakeAsync(loop);
        assertSame(client, await(c));
        assertSame(server, await(s));
    }

    // ---- handshakeAsync -----------------------------------------------------------------------

    /**
     * Both ends on one loop thread: if a step blocked the thread, the other end's step could
     * never run and neither future would complete.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void oneLoopThreadDrivesBothHandshakesAndTheModeIsRestored(boolean blocking) throws Exception {
        wrap(64 << 10);
        client.setBlocking(blocking);
        server.setBlocking(blocking);
        assertFalse(client.isHandshakeComplete());
        CompletableFuture<TlsChannel> c = client.handshakeAsync(loop);
        CompletableFuture<TlsChannel> s = server.handshakeAsync(loop);
        assertSame(client, await(c));
        assertSame(server, await(s));
        assertTrue(client.isHandshakeComplete() && server.isHandshakeComplete());
        assertEquals(blocking, client.isBlocking(), "the client's mode is what it was before");
        assertEquals(blocking, server.isBlocking(), "the server's mode is what it was before");
        assertEquals(
                "CN=localhost,O=qio tests,C=UK",
                client.session().getPeerPrincipal().getName());
        assertEquals(
                "CN=qemu-client,O=qio tests,C=UK",
                server.session().getPeerPrincipal().getName());
        // and the session carries data (readAll/writeAll work in either mode)
        client.writeAll(TestIo.ascii("after async\n"));
        ByteBuffer got = ByteBuffer.allocate(12);
        server.readAll(got);
        assertEquals("after async\n", new String(got.array(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void closingDuringTheHandshakeFailsItsFuture() throws Exception {
        wrap(64 << 10);
        // Only the client shakes hands: it sends its hello and waits for an answer that never comes.
        CompletableFuture<TlsChannel> c = client.handshakeAsync(loop);
        assertFalse(c.isDone(), "no server answered, so the handshake cannot be over");
        client.close();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> c.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause(), () -> "completed with " + e.getCause());
        assertFalse(client.isHandshakeComplete());
    }

    @Test
    void aFailedAsyncHandshakeFailsItsFutureWithTheHandshakeError(@TempDir Path tmp) throws Exception {
        // The server trusts another CA only, so it refuses the client's certificate.
        TlsTestSupport.Creds other = TlsTestSupport.creds(tmp.resolve("other"));
        wrap(
                64 << 10,
                TlsCredentials.builder()
                        .directory(TlsFixtures.creds())
                        .trustPem(other.file("ca-cert.pem"))
                        .build());
        CompletableFuture<TlsChannel> s = server.handshakeAsync(loop);
        CompletableFuture<TlsChannel> c = client.handshakeAsync(loop);
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> s.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e.getCause());
        assertTrue(server.isBlocking(), "the mode is restored after a failure too");
        assertFalse(server.isHandshakeComplete());
        // The client learns of it too: its future fails, or (TLS 1.3) it finished first and its first read fails.
        try {
            await(c);
            assertThrows(IOException.class, () -> client.read(ByteBuffer.allocate(1)));
        } catch (IOException expected) {
            // its handshake failed
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    @Test
    void aReadWithNothingSentIsErrBlock() throws Exception {
        wrap(64 << 10);
        handshakeOnLoop();
        server.setBlocking(false);
        client.setBlocking(false);
        assertEquals(IoChannel.ERR_BLOCK, server.read(ByteBuffer.allocate(16)));
        // the client may first have session tickets to digest; they are no plaintext
        assertEquals(IoChannel.ERR_BLOCK, client.read(ByteBuffer.allocate(16)));
        assertEquals(IoChannel.ERR_BLOCK, client.read(ByteBuffer.allocate(16)));
        assertEquals(IoChannel.ERR_BLOCK, server.read(ByteBuffer.allocate(16)), "still nothing");
    }

    /**
     * The client sends 10 KiB in one write (one TLS record); the server reads one byte, which
     * decrypts the whole record: the rest waits in the TLS layer, and the inner channel has
     * nothing more. IN must hold anyway, for {@code await} and for a watch, or a caller that
     * waits for readiness before reading would wait for ever.
     */
    @Test
    void pendingPlaintextMakesInReady() throws Exception {
        wrap(64 << 10);
        handshakeOnLoop();
        byte[] sent = new byte[10 << 10];
        new SplittableRandom(10).nextBytes(sent);
        client.writeAll(ByteBuffer.wrap(sent)); // all in the mem pipe when this returns (it holds 64 KiB)
        server.setBlocking(false);
        ByteBuffer one = ByteBuffer.allocate(1);
        assertEquals(1, server.read(one), "the record is there, so a non-blocking read gets a byte");
        assertEquals(sent[0], one.get(0));

        server.await(IoCondition.IN); // must return at once; the hang guard fails the test if it does not
        CountDownLatch fired = new CountDownLatch(1);
        try (Watch w = server.addWatch(
                Set.of(IoCondition.IN),
                (ch, ready) -> {
                    if (ready.contains(IoCondition.IN)) {
                        fired.countDown();
                    }
                    return false;
                },
                loop)) {
            assertTrue(
                    fired.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS), "the IN watch fired for buffered plaintext");
        }

        ByteBuffer rest = ByteBuffer.allocate(sent.length - 1);
        while (rest.hasRemaining()) {
            long n = server.read(rest);
            assertTrue(n > 0, "buffered plaintext reads without waiting, got " + n);
        }
        byte[] all = new byte[sent.length];
        all[0] = one.get(0);
        System.arraycopy(rest.array(), 0, all, 1, rest.capacity());
        assertArrayEquals(sent, all);
        assertEquals(IoChannel.ERR_BLOCK, server.read(ByteBuffer.allocate(1)), "and then nothing is left");
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Fills a small mem pipe: the write that cannot go returns ERR_BLOCK with the caller's
     * buffer untouched; once a reader drains the pipe, writeAll of the same buffer (then of more)
     * completes, and the reader gets every byte once, in order.
     */
    @Test
    void aWriteIntoAFullPipeIsErrBlockAndConsumesNothing() throws Exception {
        wrap(8 << 10);
        handshakeOnLoop();
        client.setBlocking(false);
        byte[] stream = new byte[256 << 10];
        new SplittableRandom(7).nextBytes(stream);
        ByteBuffer src = ByteBuffer.wrap(stream);
        int errBlocks = 0;
        while (errBlocks == 0) {
            ByteBuffer chunk = src.slice(src.position(), Math.min(4096, src.remaining()));
            int before = chunk.position();
            long n = client.write(chunk);
            if (n == IoChannel.ERR_BLOCK) {
                errBlocks++;
                assertEquals(before, chunk.position(), "ERR_BLOCK consumed nothing from the caller's buffer");
                assertEquals(4096, chunk.remaining());
            } else {
                assertTrue(n > 0 && n == chunk.position() - before, "a write moves n > 0 bytes and says so: " + n);
                src.position(src.position() + (int) n);
            }
            assertTrue(src.hasRemaining(), "256 KiB never fit an 8 KiB pipe");
        }
        int sentBeforeDrain = src.position();
        assertTrue(sentBeforeDrain > 0, "some bytes went before the pipe filled");

        try (Background<byte[]> reader = Background.startVirtual("reader", () -> {
            ByteBuffer got = ByteBuffer.allocate(stream.length);
            server.readAll(got); // blocking, on its own thread
            return got.array();
        })) {
            client.writeAll(
                    src); // the same bytes first, as the contract asks, then the rest; waits for OUT between tries
            assertFalse(src.hasRemaining());
            assertArrayEquals(stream, reader.result(), "every byte once, in order");
        }
        assertFalse(client.isBlocking(), "writeAll left the mode alone");
    }
}
