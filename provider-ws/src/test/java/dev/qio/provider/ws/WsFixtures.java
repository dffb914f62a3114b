package dev.qio.provider.ws;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket pairs for the kit and the tests: a {@code ws+} listener and a client opened by URI.
 * The TLS fixture's key pair comes from the JDK's {@code keytool}, made once per test JVM.
 */
final class WsFixtures {
    private WsFixtures() {}

    static final String BUFFERS = "sndbuf=65536&rcvbuf=65536";
    static final Set<Capability> STREAM =
            EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static volatile Path keystore;

    static String memName() {
        return "ws-kit-" + NAMES.incrementAndGet();
    }

    static ChannelFixture pairs(String name, java.util.function.Supplier<String> listenUri, String clientQuery) {
        return ChannelFixture.of(
                name, STREAM, () -> ChannelPair.connected(IoChannels.registry(), listenUri.get(), clientQuery));
    }

    static ChannelFixture mem() {
        return pairs("ws+mem", () -> "ws+mem://" + memName(), "");
    }

    static ChannelFixture tcp() {
        return pairs("ws+tcp", () -> "ws+tcp://127.0.0.1:0?" + BUFFERS, BUFFERS);
    }

    /** TLS under WebSocket (wss): a self-signed server key, and a client that does not verify it. */
    static ChannelFixture tls() {
        return pairs(
                "ws+tls+tcp",
                () -> "ws+tls+tcp://127.0.0.1:0?" + tlsServerQuery() + "&" + BUFFERS,
                "verify-peer=false&" + BUFFERS);
    }

    static String tlsServerQuery() {
        return "keystore=" + keystore() + "&password=changeit&verify-peer=false";
    }

    /** A PKCS#12 key store with one self-signed RSA key for 127.0.0.1, from the JDK's keytool. */
    static synchronized Path keystore() {
        if (keystore == null) {
            try {
                Path dir = Files.createTempDirectory("qio-ws-tls");
                Path p12 = dir.resolve("server.p12");
                Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
                Process k = new ProcessBuilder(List.of(
                                keytool.toString(),
                                "-genkeypair",
                                "-keystore",
                                p12.toString(),
                                "-storetype",
                                "PKCS12",
                                "-storepass",
                                "changeit",
                                "-alias",
                                "server",
                                "-keyalg",
                                "RSA",
                                "-keysize",
                                "2048",
                                "-validity",
                                "2",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "SAN=ip:127.0.0.1"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!k.waitFor(60, TimeUnit.SECONDS) || k.exitValue() != 0) {
                    throw new IOException("keytool failed to make " + p12);
                }
                p12.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                keystore = p12;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return keystore;
    }

    static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp dir left behind is not worth failing for (a file may vanish while the walk runs)
        }
    }
}
