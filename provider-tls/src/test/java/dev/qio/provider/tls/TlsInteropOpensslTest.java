package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsTestSupport.Creds;
import dev.qio.provider.tls.TlsTestSupport.Peer;
import dev.qio.testkit.Background;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code tls+tcp} layer talks to OpenSSL, the stack QEMU's peers most often use: our client
 * against {@code openssl s_server -rev} (which requires a client certificate and answers each line
 * reversed), and {@code openssl s_client} against our listener (verifying our certificate's IP
 * name and presenting its own), each in TLS 1.3 and TLS 1.2. Skipped when {@code openssl} is not
 * on the PATH.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsInteropOpensslTest {
    @TempDir
    static Path tmp;

    private static Creds creds;

    @BeforeAll
    static void needOpenssl() throws Exception {
        TlsTestSupport.assumeInstalled("openssl", "version", "openssl");
        creds = TlsTestSupport.creds(tmp.resolve("creds"));
    }

    /** {@code -tls1_2} for TLS 1.2; nothing for 1.3, which OpenSSL prefers anyway (the test checks it got it). */
    private static List<String> versionFlag(String protocol) {
        return protocol.equals("TLSv1.2") ? List.of("-tls1_2") : List.of();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void ourClientAgainstOpensslServer(String protocol) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "s_server",
                "-accept",
                "127.0.0.1:0",
                "-cert",
                creds.file("server-cert.pem").toString(),
                "-key",
                creds.file("server-key.pem").toString(),
                "-CAfile",
                creds.file("ca-cert.pem").toString(),
                "-Verify",
                "1",
                "-verify_return_error",
                "-rev"));
        args.addAll(versionFlag(protocol));
        try (Peer server = new Peer(tmp, "openssl", args)) {
            // s_server binds port 0 and says which port it got: "ACCEPT 127.0.0.1:PORT". No free-port guess, no race.
            String accept = server.awaitLine(l -> l.startsWith("ACCEPT "), "ACCEPT line");
            int port = Integer.parseInt(
                    accept.substring(accept.lastIndexOf(':') + 1).strip());
            try (IoChannel ours = IoChannels.open("tls+tcp://127.0.0.1:" + port + "?" + creds.query())) {
                TlsChannel tls = (TlsChannel) ours;
                assertEquals(protocol, tls.session().getProtocol());
                assertEquals(
                        "CN=localhost,O=qio tests,C=UK",
                        tls.session().getPeerPrincipal().getName());
                ours.writeAll(ascii("hello openssl\n"));
                assertEquals("lssnepo olleh\n", readLine(ours));
                // a longer line, though under s_server's 16 KiB line buffer (-rev reverses what fits in it)
                String big = "0123456789abcdef".repeat(640);
                ours.writeAll(ascii(big + "\n"));
                assertTrue(
                        readLine(ours).equals(new StringBuilder(big).reverse() + "\n"),
                        "the long line came back reversed");
                // s_server closes on "CLOSE": with close_notify, so a clean EOF here
                ours.writeAll(ascii("CLOSE\n"));
                assertEquals(IoChannel.EOF, ours.read(ByteBuffer.allocate(16)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void opensslClientAgainstOurListener(String protocol) throws Exception {
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds.query());
                Background<IoChannel> accepted = accept(listener)) {
            List<String> args = new ArrayList<>(List.of(
                    "s_client",
                    "-connect",
                    "127.0.0.1:" + listener.localUri().getPort(),
                    "-CAfile",
                    creds.file("ca-cert.pem").toString(),
                    "-cert",
                    creds.file("client-cert.pem").toString(),
                    "-key",
                    creds.file("client-key.pem").toString(),
                    "-verify_return_error",
                    "-verify_ip",
                    "127.0.0.1",
                    "-quiet"));
            args.addAll(versionFlag(protocol));
            try (Peer client = new Peer(tmp, "openssl", args);
                    IoChannel ours = accepted.result()) {
                TlsChannel tls = (TlsChannel) ours;
                assertEquals(protocol, tls.session().getProtocol());
                assertEquals(
                        "CN=qemu-client,O=qio tests,C=UK",
                        tls.session().getPeerPrincipal().getName(),
                        "our listener verified OpenSSL's client certificate");
                OutputStream stdin = client.stdin();
                stdin.write("hello qio\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                assertEquals("hello qio\n", readLine(ours));
                ours.writeAll(ascii("hello openssl\n"));
                assertEquals("hello openssl", client.awaitLine(l -> !l.isEmpty(), "the line we sent"));
                String big = "fedcba9876543210".repeat(4096);
                ours.writeAll(ascii(big + "\n"));
                assertTrue(
                        client.awaitLine(l -> !l.isEmpty(), "the long line we sent")
                                .equals(big),
                        "s_client printed the 64 KiB line");
                // our close_notify ends s_client (it ignores its own stdin's EOF with -quiet), cleanly
                ((TlsChannel) ours).bye();
                assertEquals(0, client.awaitExit(), () -> "s_client exit code; stderr: " + stderrOf(client));
                assertTrue(
                        !stderrOf(client).contains("error"), () -> "s_client reported an error: " + stderrOf(client));
            }
        }
    }

    /** Our listener requires a client certificate (verify-peer): OpenSSL without one is refused in accept. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void opensslClientWithoutACertificateIsRefused(String protocol) throws Exception {
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds.query());
                Background<IoChannel> accepted = accept(listener)) {
            List<String> args = new ArrayList<>(List.of(
                    "s_client",
                    "-connect",
                    "127.0.0.1:" + listener.localUri().getPort(),
                    "-CAfile",
                    creds.file("ca-cert.pem").toString(),
                    "-verify_return_error",
                    "-quiet"));
            args.addAll(versionFlag(protocol));
            try (Peer client = new Peer(tmp, "openssl", args)) {
                client.stdin().write("secret\n".getBytes(StandardCharsets.US_ASCII));
                client.stdin().flush();
                Throwable refused = accepted.failure();
                assertTrue(refused instanceof javax.net.ssl.SSLHandshakeException, () -> "accept threw " + refused);
                assertTrue(client.awaitExit() != 0, "s_client must fail");
            }
        }
    }

    private static String stderrOf(Peer p) {
        try {
            return p.stderrText();
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
