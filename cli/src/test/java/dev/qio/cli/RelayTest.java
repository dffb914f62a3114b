package dev.qio.cli;

import static dev.qio.testkit.TestIo.readToEof;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import dev.qio.cli.io.Endpoint;
import dev.qio.cli.io.Endpoints;
import dev.qio.cli.io.Relay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qio relay}: the relay itself over {@code mem://} pairs in this JVM (a mem name is reachable
 * only in-process), the command in-process against a mem peer, and the command as a process.
 */
class RelayTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path dir;

    /** A connected mem:// pair: {@code [client, server]}. */
    private static IoChannel[] pair() throws IOException {
        String uri = "mem://relay-test-" + NAMES.incrementAndGet();
        try (IoListener listener = IoChannels.listen(uri)) {
            IoChannel client = IoChannels.open(uri);
            return new IoChannel[] {client, listener.accept()};
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code data} to {@code ch} and half-closes it, on a thread of its own. */
    private static CompletableFuture<Void> send(IoChannel ch, byte[] data) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        ch.writeAll(ByteBuffer.wrap(data));
                        ch.shutdown(Shutdown.WRITE);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                r -> Thread.ofVirtual().start(r));
    }

    @Test
    void copiesBothWaysAtOnceAndPassesEachHalfCloseThrough() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            IoChannel[] left = pair();
            IoChannel[] right = pair();
            CompletableFuture<Void> relay = CompletableFuture.runAsync(
                    () -> {
                        try {
                            Relay.run(Endpoints.of("left", left[1]), Endpoints.of("right", right[0]), null);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    r -> Thread.ofVirtual().start(r));
            byte[] toRight = random((1 << 20) + 3, 1);
            byte[] toLeft = random((1 << 20) + 5, 2);
            // Both ends write at once: more than the pipes hold, so the relay must move both ways together.
            CompletableFuture<Void> a = send(left[0], toRight);
            CompletableFuture<Void> b = send(right[1], toLeft);
            assertArrayEquals(toRight, readToEof(right[1]), "left to right, then end of stream from the half-close");
            assertArrayEquals(toLeft, readToEof(left[0]), "right to left, then end of stream from the half-close");
            CompletableFuture.allOf(a, b, relay).join();
            left[0].close();
            right[1].close();
        });
    }

    @Test
    void aHalfCloseLetsTheOtherDirectionFinish() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            IoChannel[] left = pair();
            IoChannel[] right = pair();
            CompletableFuture<Void> relay = CompletableFuture.runAsync(
                    () -> {
                        try {
                            Relay.run(Endpoints.of("left", left[1]), Endpoints.of("right", right[0]), null);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    r -> Thread.ofVirtual().start(r));
            // A request, then end of stream; the answer comes only after the request has ended.
            send(left[0], "request".getBytes(US_ASCII)).join();
            assertEquals("request", new String(readToEof(right[1]), US_ASCII));
            assertFalse(relay.isDone(), "one direction ended, the other is still open");
            send(right[1], "answer".getBytes(US_ASCII)).join();
            assertEquals("answer", new String(readToEof(left[0]), US_ASCII));
            relay.join();
        });
    }

    @Test
    void aFailureEndsBothDirectionsAndIsThrown() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            IoChannel[] left = pair();
            Endpoint broken = new Endpoint() {
                @Override
                public String name() {
                    return "broken://x";
                }

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    throw new IOException("broken://x: device on fire");
                }

                @Override
                public void writeAll(ByteBuffer src) {
                    src.position(src.limit());
                }

                @Override
                public void endOutput() {}

                @Override
                public OptionalLong remaining() {
                    return OptionalLong.empty();
                }

                @Override
                public void close() {}
            };
            IOException e =
                    assertThrows(IOException.class, () -> Relay.run(Endpoints.of("left", left[1]), broken, null));
            assertEquals("broken://x: device on fire", e.getMessage());
            assertEquals(0, readToEof(left[0]).length, "the relay closed the other side: its peer reads end of stream");
            left[0].close();
        });
    }

    @Test
    void theCommandRelaysStandardInputAndOutputToAChannel() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String uri = "mem://relay-cmd-" + NAMES.incrementAndGet();
            try (IoListener peer = IoChannels.listen(uri)) {
                CompletableFuture<Qio.Result> cmd = CompletableFuture.supplyAsync(
                        () -> Qio.inProcess(new ByteArrayInputStream("ping".getBytes(US_ASCII)), "relay", "-", uri),
                        r -> Thread.ofVirtual().start(r));
                try (IoChannel server = peer.accept()) {
                    assertEquals(
                            "ping", new String(readToEof(server), US_ASCII), "stdin, then its end as a half-close");
                    server.writeAll(ByteBuffer.wrap("pong".getBytes(US_ASCII)));
                    server.shutdown(Shutdown.WRITE);
                    Qio.Result r = cmd.join().exits(0);
                    assertEquals("pong", r.out());
                    assertEquals("", r.stderr());
                }
            }
        });
    }

    @Test
    void asAProcessStandardInputToNullSucceeds() throws Exception {
        Path in = Files.write(dir.resolve("in"), random(100_000, 3));
        Qio.Result r = Qio.run(in, "relay", "-", "null:").exits(0);
        assertEquals(0, r.stdout().length);
        assertEquals("", r.stderr());
    }

    @Test
    void asAProcessAnEndpointThatCannotOpenFailsOnOneLine() throws Exception {
        Qio.Result r = Qio.run("relay", "null:", "mem://nobody-listens").exits(1);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("qio: ") && r.stderr().contains("mem://nobody-listens"), r.stderr());
        assertFalse(Qio.hasStackTrace(r.stderr()));
    }

    @Test
    void aNegativeTimeoutIsAUsageError() throws Exception {
        Qio.Result r = Qio.run("relay", "-t", "-5", "null:", "null:").exits(2);
        assertTrue(r.stderr().contains("--timeout"), r.stderr());
    }
}
