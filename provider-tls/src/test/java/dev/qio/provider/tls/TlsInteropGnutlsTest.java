package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsTestSupport.Peer;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code tls+tcp} layer talks to GnuTLS, QEMU's TLS library, with RSA certificates made as
 * QEMU's docs say ({@link QemuDocsCerts}), and both ends on their defaults: {@code gnutls-cli}
 * (presenting its client certificate) against our listener, and our client against
 * {@code gnutls-serv --echo} (which requires and verifies a client certificate), in TLS 1.3 and
 * TLS 1.2. Skipped, naming the binary, when {@code certtool}, {@code gnutls-cli} or
 * {@code gnutls-serv} is not on the PATH ({@code gnutls-bin} on Debian; .ci/run installs it).
 *
 * <p>{@code gnutls-cli} hands over its certificate from a callback of its own whatever the
 * server's CertificateRequest says, so it would not have caught the refusal of QEMU's client
 * (see {@link TlsInteropQemuTest}, which runs GnuTLS's own certificate choice).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsInteropGnutlsTest {
    @TempDir
    static Path tmp;

    private static Path creds;

    @BeforeAll
    static void makeCreds() throws Exception {
        TlsTestSupport.assumeInstalled("certtool", "--version", "gnutls-bin");
        creds = QemuDocsCerts.make(tmp.resolve("creds"));
    }

    private static void need(String program) {
        TlsTestSupport.assumeInstalled(program, "--version", "gnutls-bin");
    }

    /** GnuTLS's priority string for one version; its default (NORMAL) prefers TLS 1.3. */
    private static List<String> priority(String protocol) {
        return protocol.equals("TLSv1.2") ? List.of("--priority", "NORMAL:-VERS-TLS1.3") : List.of();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void gnutlsCliAgainstOurDefaultListener(String protocol) throws Exception {
        need("gnutls-cli");
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?creds-dir=" + creds);
                Background<IoChannel> accepted = accept(listener)) {
            List<String> args = new ArrayList<>(List.of(
                    "--x509cafile",
                    creds.resolve("ca-cert.pem").toString(),
                    "--x509certfile",
                    creds.resolve("client-cert.pem").toString(),
                    "--x509keyfile",
                    creds.resolve("client-key.pem").toString(),
                    "-p",
                    String.valueOf(listener.localUri().getPort())));
            args.addAll(priority(protocol));
            args.add("127.0.0.1"); // checked against the server certificate's IP address
            try (Peer client = new Peer(tmp, "gnutls-cli", args);
                    IoChannel ours = accepted.result()) {
                TlsChannel tls = (TlsChannel) ours;
                assertEquals(protocol, tls.session().getProtocol());
                assertEquals(
                        QemuDocsCerts.CLIENT_DN,
                        tls.session().getPeerPrincipal().getName(),
                        "our listener verified GnuTLS's RSA client certificate");
                OutputStream stdin = client.stdin();
                stdin.write("hello qio\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                assertEquals("hello qio\n", readLine(ours));
                String big = "0123456789abcdef".repeat(4096);
                ours.writeAll(ascii("hello gnutls\n" + big + "\n"));
                client.awaitLine(l -> l.equals("hello gnutls"), "the line we sent");
                client.awaitLine(l -> l.equals(big), "the 64 KiB line we sent");
                tls.bye();
                client.awaitLine(l -> l.contains("Peer has closed the GnuTLS connection"), "our close_notify");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void ourDefaultClientAgainstGnutlsServ(String protocol) throws Exception {
        need("gnutls-serv");
        List<String> args = new ArrayList<>(List.of(
                "--echo",
                "-p",
                "0",
                "--x509cafile",
                creds.resolve("ca-cert.pem").toString(),
                "--x509certfile",
                creds.resolve("server-cert.pem").toString(),
                "--x509keyfile",
                creds.resolve("server-key.pem").toString(),
                "--require-client-cert",
                "--verify-client-cert"));
        args.addAll(priority(protocol));
        try (Peer server = new Peer(tmp, "gnutls-serv", args, true)) { // it says where it listens on stderr
            server.awaitLine(l -> l.contains("listening on IPv4"), "its IPv4 listening line");
            int port = ipv4ListeningPort(server.pid());
            try (IoChannel ours = IoChannels.open("tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds)) {
                TlsChannel tls = (TlsChannel) ours;
                assertEquals(protocol, tls.session().getProtocol());
                assertEquals(
                        QemuDocsCerts.SERVER_DN,
                        tls.session().getPeerPrincipal().getName());
                ours.writeAll(ascii("hello gnutls-serv\n"));
                assertEquals(
                        "hello gnutls-serv\n",
                        readLine(ours),
                        "gnutls-serv echoed it, so it accepted our RSA client certificate");
            }
        }
    }

    /**
     * The TCP port a process listens on over IPv4, from {@code /proc}: {@code gnutls-serv -p 0}
     * binds a port of the kernel's choosing and prints 0, so its socket's inode is matched to
     * the listening entry of {@code /proc/net/tcp}. No free port is guessed, so no race.
     */
    private static int ipv4ListeningPort(long pid) throws IOException {
        List<String> inodes = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            }
        }
        List<String> table = Files.readAllLines(Path.of("/proc/net/tcp"));
        for (String line : table.subList(1, table.size())) { // after the header
            String[] f = line.strip().split("\\s+");
            // sl local_address rem_address st ... inode (field 9); st 0A is LISTEN
            if (f[3].equals("0A") && inodes.contains(f[9])) {
                return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
            }
        }
        throw new AssertionError("process " + pid + " listens on no IPv4 TCP port (sockets " + inodes + ")");
    }
}
