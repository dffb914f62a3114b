package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsTestSupport.Peer;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * QEMU's own TLS client, a QMP monitor on a {@code tls-creds-x509} chardev, connects to our
 * {@code tls+tcp://} listener on its defaults (TLS 1.3, client certificate required), with RSA
 * certificates made as QEMU's docs say, and we speak QMP to it: greeting, capabilities, quit.
 *
 * <p>This is the case that failed before: QEMU lets GnuTLS pick the client certificate, and
 * GnuTLS 3.7 picked none while our CertificateRequest named CAs (see
 * {@code TlsCredentials.ClientTrustManager}), so the handshake ended in "Empty client
 * certificate chain". Skipped, naming the binary, when {@code qemu-system-x86_64} or
 * {@code certtool} is missing (.ci/run installs {@code qemu-system-x86} and {@code gnutls-bin}).
 * QEMU is killed and reaped when a test ends, however it ends.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsInteropQemuTest {
    private static final String QEMU = "qemu-system-x86_64";

    @TempDir
    static Path tmp;

    private static Path creds;

    @BeforeAll
    static void makeCreds() throws Exception {
        TlsTestSupport.assumeInstalled(QEMU, "--version", "qemu-system-x86");
        TlsTestSupport.assumeInstalled("certtool", "--version", "gnutls-bin");
        creds = QemuDocsCerts.make(tmp.resolve("creds"));
    }

    /** With no options, and with an authz list our listener checks the client's DN against. */
    @ParameterizedTest
    @ValueSource(
            strings = {"", "&authz=C=GB,ST=London,L=City%20Of%20London,O=Name%20of%20your%20organization,CN=client.*"})
    void qemuMonitorOverTlsTalksQmpToOurDefaultListener(String extra) throws Exception {
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?creds-dir=" + creds + extra);
                Background<IoChannel> accepted = accept(listener);
                Peer qemu = new Peer(
                        tmp,
                        QEMU,
                        List.of(
                                "-nodefaults",
                                "-display",
                                "none",
                                "-machine",
                                "none",
                                "-object",
                                "tls-creds-x509,id=tls0,dir=" + creds + ",endpoint=client",
                                "-chardev",
                                "socket,host=127.0.0.1,port="
                                        + listener.localUri().getPort() + ",tls-creds=tls0,id=mon",
                                "-mon",
                                "chardev=mon,mode=control"));
                IoChannel ours = accepted.result()) {
            TlsChannel tls = (TlsChannel) ours;
            assertEquals("TLSv1.3", tls.session().getProtocol());
            assertEquals(
                    QemuDocsCerts.CLIENT_DN,
                    tls.session().getPeerPrincipal().getName(),
                    "QEMU presented the RSA client certificate and our listener verified it");
            String greeting = readLine(ours);
            assertTrue(greeting.startsWith("{\"QMP\": {"), () -> "QMP greeting: " + greeting);
            command(ours, "{\"execute\": \"qmp_capabilities\"}\n");
            assertEquals("{\"return\": {}}", reply(ours));
            command(ours, "{\"execute\": \"quit\"}\n");
            assertEquals(0, qemu.awaitExit(), "QEMU's exit code after quit");
        }
    }

    /**
     * Sends a QMP command one byte per TLS record. QEMU 7.2's TLS chardev reads what its monitor
     * asks for, and GnuTLS keeps the rest of a record decrypted in its buffer; the chardev waits
     * only for the socket, so those bytes stay there until the next record arrives (OpenSSL's
     * {@code s_server} shows the same: each reply comes when the next line is sent). Later QEMU
     * releases watch GnuTLS's pending bytes too. With one byte per record nothing is left behind.
     */
    private static void command(IoChannel ch, String json) throws IOException {
        for (byte b : json.getBytes(StandardCharsets.US_ASCII)) {
            ch.writeAll(ByteBuffer.wrap(new byte[] {b}));
        }
    }

    /** The next QMP reply line, trimmed, skipping asynchronous events. */
    private static String reply(IoChannel ch) throws IOException {
        while (true) {
            String line = readLine(ch).strip();
            if (!line.contains("\"event\"")) {
                return line;
            }
        }
    }
}
