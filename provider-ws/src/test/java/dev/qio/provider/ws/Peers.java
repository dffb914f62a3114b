package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Real WebSocket peers for the interop tests: finding their programs, and test data. */
final class Peers {
    private Peers() {}

    /**
     * A Python 3 that can import {@code websockets} (Debian's {@code python3-websockets} lives in
     * /usr/bin/python3's path, which a pyenv or venv {@code python3} first on PATH does not see).
     * Skips, naming the package, when there is none.
     */
    static String pythonWithWebsockets() throws InterruptedException {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import websockets")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
                p.destroyForcibly();
            } catch (IOException notThere) {
                // try the next one
            }
        }
        assumeTrue(false, "no python3 with the websockets module (Debian: apt-get install python3-websockets)");
        return null;
    }

    /** The headless Chromium binary ({@code chromium} or {@code chromium-headless-shell}), or a skip naming them. */
    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-headless-shell")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        assumeTrue(false, "no chromium or chromium-headless-shell binary on PATH (Debian: apt-get install chromium)");
        return null;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path script(String name, String text) throws IOException {
        Path dir = Files.createTempDirectory("qio-ws-peer");
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return file;
    }

    /**
     * Writes {@code data} to {@code ch} on another thread, in writes of {@code step}, 2 x
     * {@code step}, 3 x {@code step}... bytes, so frames of many sizes go out.
     */
    static java.util.concurrent.CompletableFuture<Void> writeGrowing(
            dev.qio.channel.IoChannel ch, byte[] data, int step) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                for (int off = 0, k = 1; off < data.length; off += step * k, k++) {
                    ch.writeAll(java.nio.ByteBuffer.wrap(data, off, Math.min(data.length - off, step * k)));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
