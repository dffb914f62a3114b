package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Helpers shared by this module's tests: socket paths, listen URIs per transport, connected pairs,
 * the descriptor limit. Text, blocked threads and open descriptors are the kit's
 * ({@link dev.qio.testkit.TestIo}, {@link dev.qio.testkit.Background}).
 */
final class TestSupport {
    private TestSupport() {}

    /** One temp directory per test JVM, removed with everything in it when the JVM exits. */
    private static final Path SOCKETS = socketRoot();

    private static Path socketRoot() {
        try {
            Path root = Files.createTempDirectory("qio-sock-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var walk = Files.walk(root)) {
                    walk.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                } catch (IOException | UncheckedIOException ignored) {
                    // best effort at exit
                }
            }));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether this test run must be on the native backend: yes unless {@code -Dqio.native=false}
     * (the class-path run sets it, so every test here runs on both backends). Checked, not
     * assumed: a run that meant to test the native backend and silently fell back would test
     * {@code java.nio} twice.
     */
    static boolean nativeExpected() {
        return !"false".equals(System.getProperty(dev.qio.channel.spi.linux.Linux.PROPERTY));
    }

    /** A fresh {@code unix:///PATH} in its own directory; the socket file does not exist yet. */
    static Path freshSocketPath() {
        try {
            return Files.createTempDirectory(SOCKETS, "d").resolve("s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String unixUri(Path p) {
        return "unix://" + p;
    }

    /** The server end's URI to listen on, per transport, for parameterised tests. */
    static String listenUri(String transport) {
        return switch (transport) {
            case "tcp4" -> "tcp://127.0.0.1:0";
            case "tcp6" -> {
                Assumptions.assumeTrue(
                        SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1): tcp6 skipped");
                yield "tcp://[::1]:0";
            }
            case "unix" -> unixUri(freshSocketPath());
            default -> throw new IllegalArgumentException(transport);
        };
    }

    /** A listener, a client connected to it and the accepted server end; closes all three. */
    record Connected(IoListener listener, IoChannel client, IoChannel server) implements AutoCloseable {
        static Connected over(String transport) throws IOException {
            IoListener listener = IoChannels.listen(listenUri(transport));
            try {
                IoChannel client = IoChannels.open(listener.localUri());
                try {
                    return new Connected(listener, client, listener.accept());
                } catch (IOException | RuntimeException e) {
                    client.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try (listener;
                    client;
                    server) {
                // try-with-resources closes all three and keeps later failures as suppressed
            }
        }
    }

    /** The soft limit on open descriptors, from {@code /proc/self/limits}; {@code Long.MAX_VALUE} if unlimited or unknown. */
    static long descriptorLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }
}
