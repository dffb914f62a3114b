package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsTestSupport.Creds;
import dev.qio.testkit.Background;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32C;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code tls+tcp} layer talks to the JDK's own {@link SSLSocket} (a TLS stack that shares
 * nothing with the layer's buffering, records or close handling) in both roles: data both ways
 * including 1 MiB checked by CRC, client certificates verified on both sides, TLS 1.2 and 1.3,
 * a cipher suite chosen with {@code ciphers=}, and {@code close_notify} in both directions.
 */
@SuppressWarnings("try") // resources closed by try-with-resources only, or closed early on purpose
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsInteropJdkTest {
    private static final int MIB = 1 << 20;

    @TempDir
    static Path tmp;

    private static Creds creds;
    /** The JDK's side: as client it presents the client certificate, as server the server certificate. */
    private static SSLContext jdkClient;

    private static SSLContext jdkServer;

    @BeforeAll
    static void makeCreds() throws Exception {
        creds = TlsTestSupport.creds(tmp.resolve("creds"));
        jdkClient = TlsTestSupport.jdkContext(creds.ca(), creds.client());
        jdkServer = TlsTestSupport.jdkContext(creds.ca(), creds.server());
    }

    /** A JDK client socket to 127.0.0.1:port that checks the server's IP SAN, handshake done. */
    private static SSLSocket jdkConnect(int port, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) jdkClient.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** A JDK server socket on 127.0.0.1 that requires a client certificate. */
    private static SSLServerSocket jdkListen() throws IOException {
        SSLServerSocket ss = (SSLServerSocket)
                jdkServer.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        ss.setNeedClientAuth(true);
        return ss;
    }

    private static String ourListenUri(String extra) {
        return "tls+tcp://127.0.0.1:0?" + creds.query() + (extra.isEmpty() ? "" : "&" + extra);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            b.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static long crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return c.getValue();
    }

    // ---- our listener, a JDK client -----------------------------------------------------------

    @Test
    void ourListenerServesAJdkClientBothWaysIncludingOneMebibyte() throws Exception {
        byte[] up = random(MIB, 1);
        byte[] down = random(MIB, 2);
        try (IoListener listener = IoChannels.listen(ourListenUri(""));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = jdkConnect(listener.localUri().getPort());
                IoChannel ours = accepted.result();
                Background<Long> server = Background.startVirtual("our server", () -> {
                    // Read 1 MiB and its CRC, answer with our CRC of what arrived, then send 1 MiB and its CRC.
                    ByteBuffer got = ByteBuffer.allocate(MIB + Long.BYTES);
                    ours.readAll(got);
                    long theirs = got.getLong(MIB);
                    long mine = crc(got.array(), 0, MIB);
                    ByteBuffer reply = ByteBuffer.allocate(2 * Long.BYTES + MIB + Long.BYTES);
                    reply.putLong(mine)
                            .putLong(theirs)
                            .put(down)
                            .putLong(crc(down, 0, MIB))
                            .flip();
                    ours.writeAll(reply);
                    return mine;
                })) {
            assertEquals(
                    "CN=qemu-client,O=qio tests,C=UK",
                    ((TlsChannel) ours).session().getPeerPrincipal().getName(),
                    "our server verified the JDK's client certificate");
            DataOutputStream out = new DataOutputStream(jdk.getOutputStream());
            out.write(up);
            out.writeLong(crc(up, 0, MIB));
            out.flush();
            DataInputStream in = new DataInputStream(jdk.getInputStream());
            long serverSaw = in.readLong();
            long serverWasTold = in.readLong();
            assertEquals(crc(up, 0, MIB), serverSaw, "the CRC of the mebibyte our server received");
            assertEquals(serverWasTold, serverSaw);
            byte[] got = new byte[MIB];
            in.readFully(got);
            assertEquals(in.readLong(), crc(got, 0, MIB), "the CRC of the mebibyte the JDK received");
            assertArrayEquals(down, got);
            assertEquals(crc(up, 0, MIB), server.result());

            // and a short exchange each way, as a line protocol would
            out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("ping\n", readLine(ours));
            ours.writeAll(ascii("pong\n"));
            assertEquals("pong\n", line(jdk.getInputStream()));
        }
    }

    /**
     * Our listener's CertificateRequest names no CAs ({@code certificate_authorities}), in TLS 1.3
     * and 1.2, with and without authz: with a list, GnuTLS 3.7 refuses to send an RSA client
     * certificate in TLS 1.3 (see {@code TlsInteropQemuTest}). The JDK client's key manager is
     * asked to choose with the issuers the request named, so it sees the list or its absence.
     */
    @ParameterizedTest
    @CsvSource({
        "TLSv1.3, ''",
        "TLSv1.2, ''",
        "TLSv1.3, 'authz=C=UK,O=qio%20tests,CN=qemu*'",
        "TLSv1.2, 'authz=C=UK,O=qio%20tests,CN=qemu*'"
    })
    void ourListenerAsksForAClientCertificateNamingNoCertificateAuthorities(String protocol, String extra)
            throws Exception {
        List<List<Principal>> asked = new CopyOnWriteArrayList<>();
        SSLContext watched = TlsTestSupport.jdkContext(creds.ca(), creds.client(), km -> new X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                asked.add(issuers == null ? List.of() : List.of(issuers));
                return km.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return km.getClientAliases(keyType, issuers);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return km.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return km.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
            }
        });
        try (IoListener listener = IoChannels.listen(ourListenUri(extra));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = (SSLSocket) watched.getSocketFactory()
                        .createSocket("127.0.0.1", listener.localUri().getPort())) {
            SSLParameters p = jdk.getSSLParameters();
            p.setProtocols(new String[] {protocol});
            jdk.setSSLParameters(p);
            jdk.startHandshake();
            try (IoChannel ours = accepted.result()) {
                assertEquals(
                        "CN=qemu-client,O=qio tests,C=UK",
                        ((TlsChannel) ours).session().getPeerPrincipal().getName(),
                        "the client certificate was asked for, sent and verified");
                assertEquals(List.of(List.of()), asked, "the issuers our CertificateRequest named");
                exchange(ours, jdk);
            }
        }
    }

    // ---- a JDK server, our client -------------------------------------------------------------

    @Test
    void ourClientTalksToAJdkServer() throws Exception {
        try (SSLServerSocket ss = jdkListen();
                Background<String> server = Background.startVirtual("jdk server", () -> {
                    try (SSLSocket peer = (SSLSocket) ss.accept()) {
                        peer.startHandshake();
                        String who = peer.getSession().getPeerPrincipal().getName();
                        String got = line(peer.getInputStream());
                        peer.getOutputStream().write(("echo " + got).getBytes(StandardCharsets.US_ASCII));
                        peer.getOutputStream().flush();
                        return who + " said " + got;
                    }
                });
                IoChannel ours = IoChannels.open("tls+tcp://127.0.0.1:" + ss.getLocalPort() + "?" + creds.query())) {
            assertEquals(
                    "CN=localhost,O=qio tests,C=UK",
                    ((TlsChannel) ours).session().getPeerPrincipal().getName());
            ours.writeAll(ascii("hello from qio\n"));
            assertEquals("echo hello from qio\n", readLine(ours));
            assertEquals(
                    "CN=qemu-client,O=qio tests,C=UK said hello from qio\n",
                    server.result(),
                    "the JDK server verified our client certificate");
        }
    }

    // ---- protocol versions and cipher suites --------------------------------------------------

    /** protocols= on our end decides; the JDK end allows both, so the session shows our choice. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void protocolsOptionOnOurListener(String protocol) throws Exception {
        try (IoListener listener = IoChannels.listen(ourListenUri("protocols=" + protocol));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = jdkConnect(listener.localUri().getPort());
                IoChannel ours = accepted.result()) {
            assertEquals(protocol, ((TlsChannel) ours).session().getProtocol());
            assertEquals(protocol, jdk.getSession().getProtocol());
            exchange(ours, jdk);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void protocolsOptionOnOurClient(String protocol) throws Exception {
        try (SSLServerSocket ss = jdkListen();
                Background<SSLSocket> accepted = jdkAccept(ss);
                IoChannel ours = IoChannels.open(
                        "tls+tcp://127.0.0.1:" + ss.getLocalPort() + "?" + creds.query() + "&protocols=" + protocol);
                SSLSocket jdk = accepted.result()) {
            assertEquals(protocol, ((TlsChannel) ours).session().getProtocol());
            assertEquals(protocol, jdk.getSession().getProtocol());
            exchange(ours, jdk);
        }
    }

    /**
     * ciphers= picks one suite, not the JDK's first choice (which is an AES-256 suite for both
     * versions with these EC keys), and both ends use it.
     */
    @ParameterizedTest
    @CsvSource({
        "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
        "TLSv1.3, TLS_AES_128_GCM_SHA256",
        "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLSv1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
    })
    void ciphersOptionSelectsTheSuite(String protocol, String suite) throws Exception {
        // our listener
        try (IoListener listener = IoChannels.listen(ourListenUri("protocols=" + protocol + "&ciphers=" + suite));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = jdkConnect(listener.localUri().getPort());
                IoChannel ours = accepted.result()) {
            assertEquals(suite, ((TlsChannel) ours).session().getCipherSuite());
            assertEquals(suite, jdk.getSession().getCipherSuite());
            exchange(ours, jdk);
        }
        // our client
        try (SSLServerSocket ss = jdkListen();
                Background<SSLSocket> accepted = jdkAccept(ss);
                IoChannel ours = IoChannels.open("tls+tcp://127.0.0.1:" + ss.getLocalPort() + "?" + creds.query()
                        + "&protocols=" + protocol + "&ciphers=" + suite);
                SSLSocket jdk = accepted.result()) {
            assertEquals(suite, ((TlsChannel) ours).session().getCipherSuite());
            assertEquals(suite, jdk.getSession().getCipherSuite());
            exchange(ours, jdk);
        }
    }

    private static void exchange(IoChannel ours, SSLSocket jdk) throws IOException {
        ours.writeAll(ascii("to the jdk\n"));
        assertEquals("to the jdk\n", line(jdk.getInputStream()));
        OutputStream out = jdk.getOutputStream();
        out.write("to qio\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertEquals("to qio\n", readLine(ours));
    }

    // ---- close_notify both ways ---------------------------------------------------------------

    /** Our bye() is the JDK's end of stream; the JDK's close is ours. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void byeAndCloseAreEndOfStreamOnTheOtherSide(String protocol) throws Exception {
        try (IoListener listener = IoChannels.listen(ourListenUri("protocols=" + protocol));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = jdkConnect(listener.localUri().getPort());
                IoChannel ours = accepted.result()) {
            ours.writeAll(ascii("last\n"));
            ((TlsChannel) ours).bye();
            InputStream in = jdk.getInputStream();
            assertEquals("last\n", line(in));
            assertEquals(-1, in.read(), "our close_notify is the JDK's EOF");

            jdk.close();
            assertEquals(
                    IoChannel.EOF,
                    ours.read(ByteBuffer.allocate(16)),
                    "the JDK's close_notify is our EOF, not a truncation");
            assertEquals(IoChannel.EOF, ours.read(ByteBuffer.allocate(16)), "and stays EOF");
        }
    }

    /** TLS 1.3's half-close: after our bye the JDK may go on writing, and we go on reading. */
    @Test
    void afterByeOurEndStillReadsInTls13() throws Exception {
        try (IoListener listener = IoChannels.listen(ourListenUri("protocols=TLSv1.3"));
                Background<IoChannel> accepted = accept(listener);
                SSLSocket jdk = jdkConnect(listener.localUri().getPort());
                IoChannel ours = accepted.result()) {
            ((TlsChannel) ours).bye();
            assertEquals(-1, jdk.getInputStream().read());
            jdk.getOutputStream().write("after your bye\n".getBytes(StandardCharsets.US_ASCII));
            jdk.getOutputStream().flush();
            assertEquals("after your bye\n", readLine(ours));
            jdk.close();
            assertEquals(IoChannel.EOF, ours.read(ByteBuffer.allocate(16)));
        }
    }

    /** The other order: the JDK closes first, we read EOF, then our bye still goes out without error. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void jdkClosesFirst(String protocol) throws Exception {
        try (SSLServerSocket ss = jdkListen();
                Background<SSLSocket> accepted = jdkAccept(ss);
                IoChannel ours = IoChannels.open(
                        "tls+tcp://127.0.0.1:" + ss.getLocalPort() + "?" + creds.query() + "&protocols=" + protocol);
                SSLSocket jdk = accepted.result()) {
            jdk.getOutputStream().write("bye now\n".getBytes(StandardCharsets.US_ASCII));
            jdk.close();
            assertEquals("bye now\n", readLine(ours));
            assertEquals(IoChannel.EOF, ours.read(ByteBuffer.allocate(16)));
        }
    }

    /** The JDK server's accept and handshake, on a virtual thread. */
    private static Background<SSLSocket> jdkAccept(SSLServerSocket ss) {
        return Background.startVirtual("jdk accept", () -> {
            SSLSocket peer = (SSLSocket) ss.accept();
            peer.startHandshake();
            return peer;
        });
    }
}
