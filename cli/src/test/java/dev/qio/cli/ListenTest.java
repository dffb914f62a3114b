package dev.qio.cli;

import static dev.qio.testkit.TestIo.readToEof;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qio listen}: across processes with a third party's FIFO provider ({@code pipe:}, loaded
 * with --provider-path), in-process with {@code mem://} clients, and its usage errors as a process.
 */
class ListenTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path dir;

    @Test
    void savesAClientOfAnotherProcessWithCat() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String jar = ThirdParty.jar().toString();
            byte[] data = new byte[(1 << 20) + 11];
            new Random(7).nextBytes(data);
            Path src = Files.write(dir.resolve("src.bin"), data);
            Path saved = dir.resolve("saved.bin");
            Path rendezvous = Files.createDirectory(dir.resolve("rv"));
            String pipe = "pipe://" + rendezvous.toAbsolutePath();

            Process listener = new ProcessBuilder(
                            Qio.command("--provider-path", jar, "listen", pipe, "--cat", Qio.uri(saved, "mode=w")))
                    .redirectOutput(dir.resolve("listen.out").toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            try {
                BufferedReader err = new BufferedReader(new InputStreamReader(listener.getErrorStream(), UTF_8));
                String first = err.readLine();
                assertEquals("qio: listening on " + pipe, first);
                CompletableFuture<String> rest = CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return new String(listener.getErrorStream().readAllBytes(), UTF_8);
                            } catch (IOException e) {
                                return e.toString();
                            }
                        },
                        r -> Thread.ofVirtual().start(r));

                Qio.run("cat", "--provider-path", jar, Qio.uri(src, ""), pipe).exits(0);

                assertTrue(listener.waitFor(60, TimeUnit.SECONDS), "listen ends after its one client");
                assertEquals(0, listener.exitValue(), () -> "listen's stderr: " + rest.join());
                assertEquals("", rest.join());
                assertArrayEquals(data, Files.readAllBytes(saved));
                assertFalse(Files.exists(rendezvous.resolve("fifo")), "the listener removed what it made");
            } finally {
                listener.destroyForcibly();
            }
        });
    }

    /** Standard error for an in-process command that completes {@link #listening} on the listen line. */
    private static final class Watched extends OutputStream {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final CompletableFuture<String> listening = new CompletableFuture<>();

        @Override
        public synchronized void write(int b) {
            all.write(b);
            String text = all.toString(UTF_8);
            int at = text.indexOf("qio: listening on ");
            if (at >= 0 && text.indexOf('\n', at) > 0) {
                listening.complete(text.substring(at, text.indexOf('\n', at)));
            }
        }
    }

    /** Starts {@code qio args} in this JVM and returns once it listens. */
    private static CompletableFuture<Qio.Result> listen(
            InputStream stdin, ByteArrayOutputStream stdout, String... args) {
        Watched err = new Watched();
        CompletableFuture<Qio.Result> done = CompletableFuture.supplyAsync(
                () -> {
                    int exit = Main.run(new Stdio(stdin, stdout, new PrintStream(err, true, UTF_8), false), args);
                    err.listening.complete("(never listened)");
                    return new Qio.Result(exit, stdout.toByteArray(), err.all.toString(UTF_8));
                },
                r -> Thread.ofVirtual().start(r));
        String line = err.listening.join();
        assertTrue(line.startsWith("qio: listening on mem://"), () -> line + "; the command said: " + done.join());
        return done;
    }

    @Test
    void catWithoutADestinationWritesTheClientToStandardOutput() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String uri = "mem://listen-cat-" + NAMES.incrementAndGet();
            CompletableFuture<Qio.Result> cmd =
                    listen(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), "listen", uri, "--cat");
            try (IoChannel client = IoChannels.open(uri)) {
                client.writeAll(ByteBuffer.wrap("saved bytes".getBytes(US_ASCII)));
            }
            assertEquals("saved bytes", cmd.join().exits(0).out());
        });
    }

    @Test
    void relayConnectsTheClientToAFreshChannel() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String uri = "mem://listen-front-" + NAMES.incrementAndGet();
            String backendUri = "mem://listen-back-" + NAMES.incrementAndGet();
            try (IoListener backend = IoChannels.listen(backendUri)) {
                CompletableFuture<Qio.Result> cmd = listen(
                        new ByteArrayInputStream(new byte[0]),
                        new ByteArrayOutputStream(),
                        "listen",
                        uri,
                        "--relay",
                        backendUri);
                try (IoChannel client = IoChannels.open(uri)) {
                    client.writeAll(ByteBuffer.wrap("hi".getBytes(US_ASCII)));
                    client.shutdown(Shutdown.WRITE);
                    try (IoChannel server = backend.accept()) {
                        assertEquals("hi", new String(readToEof(server), US_ASCII));
                        server.writeAll(ByteBuffer.wrap("ho".getBytes(US_ASCII)));
                        server.shutdown(Shutdown.WRITE);
                        assertEquals("ho", new String(readToEof(client), US_ASCII));
                    }
                }
                assertEquals(0, cmd.join().exit(), () -> cmd.join().stderr());
            }
        });
    }

    @Test
    void withoutAModeTheClientTalksToStandardInputAndOutput() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String uri = "mem://listen-stdio-" + NAMES.incrementAndGet();
            CompletableFuture<Qio.Result> cmd = listen(
                    new ByteArrayInputStream("from stdin".getBytes(US_ASCII)),
                    new ByteArrayOutputStream(),
                    "listen",
                    uri);
            try (IoChannel client = IoChannels.open(uri)) {
                assertEquals("from stdin", new String(readToEof(client), US_ASCII));
                client.writeAll(ByteBuffer.wrap("to stdout".getBytes(US_ASCII)));
                client.shutdown(Shutdown.WRITE);
                Qio.Result r = cmd.join().exits(0);
                assertEquals("to stdout", r.out());
            }
        });
    }

    @Test
    void aSchemeThatCannotListenFailsOnOneLine() throws Exception {
        Qio.Result r = Qio.run("listen", "null:").exits(1);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("qio: ") && r.stderr().contains("cannot listen"), r.stderr());
        assertFalse(Qio.hasStackTrace(r.stderr()));
    }

    @Test
    void keepNeedsSomewhereToPutEachClient() throws Exception {
        Qio.Result r = Qio.run("listen", "mem://x", "--keep").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("--keep needs --relay URI or --cat DST"), r.stderr());
    }

    @Test
    void relayAndCatExcludeEachOther() throws Exception {
        Qio.Result r = Qio.run("listen", "mem://x", "--relay", "null:", "--cat", "null:")
                .exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("mutually exclusive"), r.stderr());
    }
}
