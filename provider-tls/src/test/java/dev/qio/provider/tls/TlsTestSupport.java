package dev.qio.provider.tls;

import static dev.qio.testkit.Background.HANG_GUARD;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Background;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Assumptions;

/**
 * Helpers shared by the TLS tests: creds-dirs that keep their keys at hand, a JDK
 * {@link SSLContext} from them, an accept on a virtual thread, connected pairs, and the peers'
 * binaries ({@code openssl}, GnuTLS's tools, QEMU). Work on another thread and text over a
 * channel are the kit's ({@link Background}, {@link dev.qio.testkit.TestIo}).
 */
final class TlsTestSupport {
    private TlsTestSupport() {}

    // ---- credentials --------------------------------------------------------------------------

    /** A creds-dir in QEMU's layout, with the CA, server and client identities it holds. */
    record Creds(Path dir, TestCerts.Issued ca, TestCerts.Issued server, TestCerts.Issued client) {
        Path file(String name) {
            return dir.resolve(name);
        }

        /** {@code creds-dir=DIR}, for a URI query. */
        String query() {
            return "creds-dir=" + dir;
        }
    }

    /** Writes a fresh creds-dir (its own CA) into {@code dir}, keys as PKCS#8. */
    static Creds creds(Path dir) throws IOException {
        TestCerts.Issued ca = TestCerts.ca(TestCerts.CA_DN);
        return creds(dir, ca, TestCerts.leaf(ca, TestCerts.SERVER_DN, TestCerts.SERVER_NAMES));
    }

    /** A creds-dir with {@code ca} and the given server identity, and a client certificate from {@code ca}. */
    static Creds creds(Path dir, TestCerts.Issued ca, TestCerts.Issued server) throws IOException {
        Files.createDirectories(dir);
        TestCerts.Issued client = TestCerts.leaf(ca, TestCerts.CLIENT_DN, List.of());
        TestCerts.writeCerts(dir.resolve("ca-cert.pem"), ca.certificate());
        TestCerts.writeCerts(dir.resolve("server-cert.pem"), server.certificate());
        TestCerts.writePkcs8(dir.resolve("server-key.pem"), server.key());
        TestCerts.writeCerts(dir.resolve("client-cert.pem"), client.certificate());
        TestCerts.writePkcs8(dir.resolve("client-key.pem"), client.key());
        return new Creds(dir, ca, server, client);
    }

    /** The JDK's own TLS context, independent of the code under test: trusts {@code ca}, presents {@code identity}. */
    static SSLContext jdkContext(TestCerts.Issued ca, TestCerts.Issued identity)
            throws GeneralSecurityException, IOException {
        return jdkContext(ca, identity, UnaryOperator.identity());
    }

    /** As {@link #jdkContext(TestCerts.Issued, TestCerts.Issued)}, with the key manager wrapped, to watch what the peer asks of it. */
    static SSLContext jdkContext(
            TestCerts.Issued ca, TestCerts.Issued identity, UnaryOperator<X509ExtendedKeyManager> wrap)
            throws GeneralSecurityException, IOException {
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", identity.key(), none, new Certificate[] {identity.certificate(), ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                new KeyManager[] {wrap.apply((X509ExtendedKeyManager) kmf.getKeyManagers()[0])},
                tmf.getTrustManagers(),
                null);
        return context;
    }

    /** A {@code mem://} name no other test uses. */
    static String memName() {
        return "tls-test-" + UUID.randomUUID();
    }

    // ---- background work ------------------------------------------------------------------------

    /** {@code listener.accept()} on a virtual thread (a blocking tls accept does the server handshake). */
    static Background<IoChannel> accept(IoListener listener) {
        return Background.startVirtual("accept " + listener.name(), listener::accept);
    }

    /** Listens on {@code listenUri}, connects with {@code clientUri(port)}, and returns both ends with the handshake done. */
    record Pair(IoListener listener, IoChannel client, IoChannel server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (listener;
                    client;
                    server) {
                // closes all three, in reverse order, even if one fails
            }
        }
    }

    /** A connected tls+tcp pair on 127.0.0.1 with {@code listenQuery} and {@code clientQuery}. */
    static Pair tcpPair(String listenQuery, String clientQuery) throws Exception {
        IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + listenQuery);
        try (Background<IoChannel> accepted = accept(listener)) {
            IoChannel client;
            try {
                client = IoChannels.open(
                        "tls+tcp://127.0.0.1:" + listener.localUri().getPort() + "?" + clientQuery);
            } catch (Exception e) {
                listener.close();
                throw e;
            }
            try {
                return new Pair(listener, client, accepted.result());
            } catch (Exception e) {
                client.close();
                listener.close();
                throw e;
            }
        }
    }

    // ---- peer binaries (openssl, gnutls-cli, qemu) ---------------------------------------------

    /** Whether {@code program versionArg} runs and exits 0: the program is installed. */
    static boolean available(String program, String versionArg) {
        try {
            Process p = new ProcessBuilder(program, versionArg)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                return p.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0;
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Skips the test (a JUnit assumption) unless {@code program versionArg} runs, naming the
     * program and the package that has it.
     */
    static void assumeInstalled(String program, String versionArg, String debianPackage) {
        Assumptions.assumeTrue(
                available(program, versionArg),
                program + " is not on the PATH: skipping (Debian package " + debianPackage + "; .ci/run installs it)");
    }

    /** Whether {@code openssl version} runs. */
    static boolean opensslAvailable() {
        return available("openssl", "version");
    }

    /**
     * A peer's child process ({@code openssl}, {@code gnutls-cli}, {@code qemu-system-x86_64}):
     * stdout lines arrive on a queue (read by a virtual thread, so the child never blocks on a
     * full pipe), stderr goes to a file for the failure message. {@link #close()} kills it and
     * waits for it, so no test leaves one behind.
     */
    static final class Peer implements AutoCloseable {
        private final Process process;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        /** Queued after the last line; no line of text holds a NUL. */
        private static final String END = "\u0000end of stdout";

        private final String program;

        /** Starts {@code program} with {@code args} in {@code workDir}. */
        Peer(Path workDir, String program, List<String> args) throws IOException {
            this(workDir, program, args, false);
        }

        /** As {@link #Peer(Path, String, List)}; with {@code stderrAsStdout}, stderr lines arrive with stdout's. */
        Peer(Path workDir, String program, List<String> args, boolean stderrAsStdout) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(program);
            command.addAll(args);
            this.program = program;
            this.stderr = Files.createTempFile(workDir, program + "-", ".err");
            ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile());
            this.process = (stderrAsStdout ? b.redirectErrorStream(true) : b.redirectError(stderr.toFile())).start();
            Thread.ofVirtual().name(program + " stdout").start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                } finally {
                    lines.add(END);
                }
            });
        }

        OutputStream stdin() {
            return process.getOutputStream();
        }

        long pid() {
            return process.pid();
        }

        /** Waits for the first stdout line that {@code wanted} accepts; fails at the end of output. */
        String awaitLine(Predicate<String> wanted, String what) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + HANG_GUARD.toNanos();
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(program + " printed no " + what + " within " + HANG_GUARD
                            + "; stdout so far " + seen + ", stderr: " + Files.readString(stderr));
                }
                if (line.equals(END)) {
                    throw new AssertionError(program + " ended (exit " + exitIfDone() + ") without printing " + what
                            + "; stdout " + seen + ", stderr: " + Files.readString(stderr));
                }
                seen.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        private String exitIfDone() {
            try {
                return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        /** Waits for the process to end by itself; returns its exit code. */
        int awaitExit() throws InterruptedException, IOException {
            assertTrue(
                    process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS),
                    () -> program + " did not exit within " + HANG_GUARD + "; stderr: " + readQuietly(stderr));
            return process.exitValue();
        }

        String stderrText() throws IOException {
            return Files.readString(stderr);
        }

        private static String readQuietly(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            boolean interrupted = false;
            while (true) {
                try {
                    process.waitFor();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // still reap it, then keep the interrupt
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
