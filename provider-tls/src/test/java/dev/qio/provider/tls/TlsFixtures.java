package dev.qio.provider.tls;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * TLS pairs for the kit and the tests: a {@code tls+} listener and a client opened by URI, both
 * with one creds-dir made at run time for the whole test JVM.
 */
final class TlsFixtures {
    private TlsFixtures() {}

    static final String BUFFERS = "sndbuf=65536&rcvbuf=65536";
    static final Set<Capability> STREAM =
            EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static volatile Path creds;

    /** A creds-dir with a CA, a server certificate for localhost/127.0.0.1/::1 and a client certificate. */
    static synchronized Path creds() {
        if (creds == null) {
            try {
                Path dir = Files.createTempDirectory("qio-tls-creds");
                TestCerts.credsDir(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                creds = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return creds;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is not worth failing for
        }
    }

    static String credsQuery() {
        return "creds-dir=" + creds();
    }

    static String memName() {
        return "tls-kit-" + NAMES.incrementAndGet();
    }

    static Path socketPath() {
        try {
            Path dir = Files.createTempDirectory("qio-tls-unix");
            dir.toFile().deleteOnExit();
            return dir.resolve("s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kit fixture: listen on {@code listenUri} (creds added), connect to it with the creds. */
    static ChannelFixture pairs(String name, java.util.function.Supplier<String> listenUri, String clientQuery) {
        return ChannelFixture.of(
                name,
                STREAM,
                () -> ChannelPair.connected(
                        IoChannels.registry(),
                        listenUri.get(),
                        credsQuery() + (clientQuery.isEmpty() ? "" : "&" + clientQuery)));
    }

    static ChannelFixture mem() {
        return pairs("tls+mem", () -> "tls+mem://" + memName() + "?" + credsQuery(), "");
    }

    static ChannelFixture tcp() {
        return pairs("tls+tcp", () -> "tls+tcp://127.0.0.1:0?" + credsQuery() + "&" + BUFFERS, BUFFERS);
    }

    static ChannelFixture unix() {
        return pairs("tls+unix", () -> "tls+unix://" + socketPath() + "?" + credsQuery() + "&" + BUFFERS, BUFFERS);
    }
}
