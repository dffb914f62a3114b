package dev.qio.provider.tls;

import static dev.qio.testkit.Background.HANG_GUARD;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A creds-dir made the way QEMU's {@code docs/system/tls.rst} says: GnuTLS's {@code certtool}
 * with its default key (RSA, 3072 bits in GnuTLS 3.7) and certificate signature (RSA PKCS#1
 * v1.5 with SHA-256), the docs' CA, server and client templates, and the key files written from
 * {@code certtool --generate-privkey}'s standard output (so they hold its text description before
 * the PEM block). The server's names are {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 */
final class QemuDocsCerts {
    /** The client certificate's subject, as the JDK prints it. */
    static final String CLIENT_DN = "CN=client.qio.test,O=Name of your organization,L=City Of London,ST=London,C=GB";
    /** The server certificate's subject, as the JDK prints it. */
    static final String SERVER_DN = "CN=localhost,O=Name of your organization";

    private QemuDocsCerts() {}

    /** Writes {@code ca-cert.pem} and the server's and the client's cert and key into {@code dir}, QEMU's layout. */
    static Path make(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ca.info"), """
                cn = Name of your organization
                ca
                cert_signing_key
                """);
        Files.writeString(dir.resolve("server.info"), """
                organization = Name of your organization
                cn = localhost
                dns_name = localhost
                ip_address = 127.0.0.1
                ip_address = ::1
                tls_www_server
                encryption_key
                signing_key
                """);
        Files.writeString(dir.resolve("client.info"), """
                country = GB
                state = London
                locality = City Of London
                organization = Name of your organization
                cn = client.qio.test
                tls_www_client
                encryption_key
                signing_key
                """);
        certtool(dir, "ca-key.pem", "--generate-privkey");
        certtool(
                dir,
                null,
                "--generate-self-signed",
                "--load-privkey",
                "ca-key.pem",
                "--template",
                "ca.info",
                "--outfile",
                "ca-cert.pem");
        for (String end : List.of("server", "client")) {
            certtool(dir, end + "-key.pem", "--generate-privkey");
            certtool(
                    dir,
                    null,
                    "--generate-certificate",
                    "--load-ca-certificate",
                    "ca-cert.pem",
                    "--load-ca-privkey",
                    "ca-key.pem",
                    "--load-privkey",
                    end + "-key.pem",
                    "--template",
                    end + ".info",
                    "--outfile",
                    end + "-cert.pem");
        }
        return dir;
    }

    /** Runs certtool in {@code dir}, its stdout into {@code stdoutFile} (as the docs' {@code >}) or discarded. */
    private static void certtool(Path dir, String stdoutFile, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("certtool"));
        command.addAll(List.of(args));
        Path err = dir.resolve("certtool.err");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(
                        stdoutFile == null
                                ? ProcessBuilder.Redirect.DISCARD
                                : ProcessBuilder.Redirect.to(
                                        dir.resolve(stdoutFile).toFile()))
                .redirectError(err.toFile())
                .start();
        try {
            assertTrue(
                    p.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS),
                    () -> "certtool " + String.join(" ", args) + " hung");
            assertTrue(p.exitValue() == 0, () -> "certtool " + String.join(" ", args) + " failed: " + read(err));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
