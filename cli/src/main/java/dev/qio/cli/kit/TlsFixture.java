package dev.qio.cli.kit;

import dev.qio.channel.ChannelRegistry;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tls+mem://} pairs: a {@code tls+} listener over {@code mem://}, a client and the accepted
 * end, with mutual authentication and the certificate chain checked ({@code mem://} has no host
 * name to check). The certificates are made on first use, by the running JDK's own
 * {@code keytool}, in a temporary directory that {@link #close()} removes: a CA (its certificate as
 * PEM, {@code ca=}) and a server and a client PKCS#12 keystore holding a key and a certificate the
 * CA signed ({@code keystore=}, {@code password=}).
 *
 * <p>Why keytool: the cli names no provider, so it cannot call the TLS provider's classes, and a
 * certificate library would be a dependency for one fixture. keytool ships with every JDK; a
 * runtime without it (a jlinked image) makes {@link #open()} fail with a message that says so.
 */
final class TlsFixture implements ChannelFixture, AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();
    /** The keystores' password; they live in a private temporary directory for one run. */
    private static final String PASSWORD = "qio-kit";

    private final ChannelRegistry registry;
    private final FixtureDir dir = new FixtureDir("qio-kit-tls-");
    /** Guarded by {@code this}: whether {@code dir} holds the certificates. */
    private boolean made;

    TlsFixture(ChannelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);
    }

    @Override
    public ChannelPair open() throws IOException {
        Path d = credentials();
        String trust = "ca=" + d.resolve("ca.pem").toUri().getRawPath() + "&password=" + PASSWORD + "&keystore=";
        String listen = "tls+mem://qio-kit-tls-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet() + "?"
                + trust + d.resolve("server.p12").toUri().getRawPath();
        return ChannelPair.connected(
                registry, listen, trust + d.resolve("client.p12").toUri().getRawPath());
    }

    /** The directory with the CA and both keystores, made on the first call. */
    private synchronized Path credentials() throws IOException {
        Path d = dir.get();
        if (!made) {
            try {
                keytool(
                        d,
                        "-genkeypair",
                        "-alias",
                        "ca",
                        "-dname",
                        "CN=qio kit CA",
                        "-ext",
                        "bc:c",
                        "-keystore",
                        "ca.p12");
                keytool(d, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
                for (String end : List.of("server", "client")) {
                    String store = end + ".p12";
                    keytool(d, "-genkeypair", "-alias", end, "-dname", "CN=qio kit " + end, "-keystore", store);
                    keytool(d, "-certreq", "-alias", end, "-keystore", store, "-file", end + ".csr");
                    keytool(
                            d,
                            "-gencert",
                            "-rfc",
                            "-alias",
                            "ca",
                            "-keystore",
                            "ca.p12",
                            "-infile",
                            end + ".csr",
                            "-outfile",
                            end + ".pem");
                    keytool(d, "-importcert", "-noprompt", "-alias", "ca", "-keystore", store, "-file", "ca.pem");
                    keytool(
                            d,
                            "-importcert",
                            "-alias",
                            end,
                            "-keystore",
                            store,
                            "-file",
                            end + ".pem"); // the signed chain
                }
            } catch (IOException | RuntimeException e) {
                dir.close(); // half-made: the next open starts again
                throw e;
            }
            made = true;
        }
        return d;
    }

    /** Runs the JDK's keytool in {@code cwd} with EC P-256 keys, the store password and a short validity. */
    private static void keytool(Path cwd, String command, String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException(
                    "the tls fixture makes its certificates with keytool, and this Java runtime has none (" + keytool
                            + " is missing); run qio on a full JDK 25");
        }
        List<String> argv = new ArrayList<>(List.of(keytool.toString(), command));
        argv.addAll(List.of(args));
        argv.addAll(List.of("-storepass", PASSWORD));
        if (command.equals("-genkeypair")) {
            argv.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        if (command.equals("-gencert")) {
            argv.addAll(List.of("-validity", "2"));
        }
        Process p = new ProcessBuilder(argv)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("tls fixture: keytool " + command + " failed: " + output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("tls fixture: interrupted while keytool " + command + " ran");
        }
    }

    /** Removes the directory and the certificates in it. */
    @Override
    public synchronized void close() throws IOException {
        dir.close();
        made = false;
    }
}
