package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.provider.tls.TlsTestSupport.Creds;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a TLS connection must fail does fail, with an exception that says why, and without
 * plaintext crossing: a server that gets past {@code accept} writes a marker at once, and no
 * client ever reads it; where the server refuses the client, its {@code accept} throws, so it
 * never holds a channel to read the client's bytes from. Covers a host name the certificate lacks,
 * an unknown CA, an expired certificate, a missing client certificate, authz (refusing and, as
 * controls, accepting), truncation without {@code close_notify}, and a client that speaks no TLS.
 */
@SuppressWarnings("try") // resources closed by try-with-resources only, or closed early on purpose
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsNegativeTest {
    private static final String MARKER = "server-plaintext-marker\n";

    @TempDir
    Path tmp;

    /** How one connection attempt ended on each side. */
    private record Attempt(IOException client, Throwable server) {}

    /**
     * Listens on {@code listenUri}; the server writes {@link #MARKER} as soon as its accept
     * returns. The client opens {@code clientUri(port)} and, if that succeeds (in TLS 1.3 the
     * client finishes before the server has checked it), reads: the read must fail, never deliver
     * the marker. Returns the client's exception (from open or read) and what accept threw.
     */
    private static Attempt attempt(String listenUri, IntFunction<String> clientUri) throws Exception {
        try (IoListener listener = IoChannels.listen(listenUri);
                Background<String> server = Background.startVirtual("server", () -> {
                    try (IoChannel peer = listener.accept()) {
                        peer.writeAll(ascii(MARKER));
                        return "accepted " + peer.name() + " and sent the marker";
                    }
                })) {
            IoChannel client;
            try {
                client = IoChannels.open(clientUri.apply(listener.localUri().getPort()));
            } catch (IOException e) {
                return new Attempt(e, server.failure());
            }
            try (client) {
                ByteBuffer got = ByteBuffer.allocate(MARKER.length());
                long n;
                try {
                    n = client.read(got);
                } catch (IOException e) {
                    return new Attempt(e, server.failure());
                }
                return fail("the client's read returned " + n + " ("
                        + new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII)
                        + ") instead of failing");
            }
        }
    }

    private static String listenTcp(Path creds, String extra) {
        return "tls+tcp://127.0.0.1:0?creds-dir=" + creds + (extra.isEmpty() ? "" : "&" + extra);
    }

    private static void assertMentions(Throwable e, String... words) {
        String all = messages(e).toLowerCase(Locale.ROOT);
        for (String w : words) {
            assertTrue(
                    all.contains(w.toLowerCase(Locale.ROOT)),
                    () -> "expected the exception to mention '" + w + "': " + messages(e));
        }
    }

    /** The messages of {@code e} and its causes, for checks that should not depend on wrapping. */
    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getClass().getSimpleName())
                    .append(": ")
                    .append(t.getMessage())
                    .append(" / ");
        }
        return b.toString();
    }

    // ---- the client refuses the server ------------------------------------------------------

    @Test
    void hostnameOptionTheCertificateLacksFailsTheClientHandshake() throws Exception {
        Path creds = TlsFixtures.creds();
        Attempt a = attempt(
                listenTcp(creds, ""),
                port -> "tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds + "&hostname=wrong.example");
        assertInstanceOf(SSLHandshakeException.class, a.client(), () -> messages(a.client()));
        assertMentions(a.client(), "wrong.example");
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
    }

    @Test
    void connectingByAnAddressTheCertificateLacksFailsTheClientHandshake() throws Exception {
        Path creds = TlsFixtures.creds();
        // 127.0.0.2 is loopback on Linux but not among the certificate's names (localhost, 127.0.0.1, ::1, qio.test).
        Attempt a = attempt(
                "tls+tcp://127.0.0.2:0?creds-dir=" + creds,
                port -> "tls+tcp://127.0.0.2:" + port + "?creds-dir=" + creds);
        assertInstanceOf(SSLHandshakeException.class, a.client(), () -> messages(a.client()));
        assertMentions(a.client(), "127.0.0.2");
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
    }

    /** Over mem:// there is no host to check unless hostname= names one; then it is checked as over tcp. */
    @Test
    void hostnameOptionIsCheckedOverMemToo() throws Exception {
        Path creds = TlsFixtures.creds();
        String name = TlsTestSupport.memName();
        Attempt a = attempt(
                "tls+mem://" + name + "?creds-dir=" + creds,
                port -> "tls+mem://" + name + "?creds-dir=" + creds + "&hostname=wrong.example");
        assertInstanceOf(SSLHandshakeException.class, a.client(), () -> messages(a.client()));
        assertMentions(a.client(), "wrong.example");
    }

    /** Controls for the host name failures: names and addresses the certificate has pass. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1:%d?%s",
                "localhost:%d?%s",
                "127.0.0.1:%d?%s&hostname=qio.test",
                "127.0.0.1:%d?%s&hostname=localhost"
            })
    void namesTheCertificateHasPass(String clientTarget) throws Exception {
        Path creds = TlsFixtures.creds();
        try (IoListener listener = IoChannels.listen(listenTcp(creds, ""));
                Background<IoChannel> accepted = accept(listener);
                IoChannel client = IoChannels.open("tls+tcp://"
                        + clientTarget.formatted(listener.localUri().getPort(), "creds-dir=" + creds));
                IoChannel server = accepted.result()) {
            server.writeAll(ascii(MARKER));
            assertEquals(MARKER, readLine(client));
        }
    }

    /** Another CA, named differently or (an impostor) exactly like the real one. */
    @ParameterizedTest
    @ValueSource(strings = {"C=UK,O=someone else,CN=another CA", TestCerts.CA_DN})
    void aServerFromAnotherCaFailsTheClientHandshake(String otherCaDn) throws Exception {
        Path creds = TlsFixtures.creds();
        TestCerts.Issued otherCa = TestCerts.ca(otherCaDn);
        Creds other = TlsTestSupport.creds(
                tmp.resolve("other"), otherCa, TestCerts.leaf(otherCa, TestCerts.SERVER_DN, TestCerts.SERVER_NAMES));
        // ca= overrides the creds-dir's CA: the client trusts only the other CA.
        Attempt a = attempt(
                listenTcp(creds, ""),
                port -> "tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds + "&ca=" + other.file("ca-cert.pem"));
        assertInstanceOf(SSLHandshakeException.class, a.client(), () -> messages(a.client()));
        assertMentions(a.client(), "PKIX");
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
    }

    @Test
    void anExpiredServerCertificateFailsTheClientHandshake() throws Exception {
        TestCerts.Issued ca = TestCerts.ca(TestCerts.CA_DN);
        Instant now = Instant.now();
        TestCerts.Issued expired = TestCerts.leaf(
                ca,
                TestCerts.SERVER_DN,
                TestCerts.SERVER_NAMES,
                TestCerts.ec(),
                now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        Creds creds = TlsTestSupport.creds(tmp.resolve("expired"), ca, expired);
        Attempt a = attempt(listenTcp(creds.dir(), ""), port -> "tls+tcp://127.0.0.1:" + port + "?" + creds.query());
        assertInstanceOf(SSLHandshakeException.class, a.client(), () -> messages(a.client()));
        assertMentions(a.client(), "validity");
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
    }

    // ---- the server refuses the client --------------------------------------------------------

    /** verify-peer is on by default: a client without a certificate is refused in accept. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientWithoutACertificateIsRefused(String protocol) throws Exception {
        Path creds = TlsFixtures.creds();
        Path caOnly = Files.createDirectories(tmp.resolve("ca-only"));
        Files.copy(creds.resolve("ca-cert.pem"), caOnly.resolve("ca-cert.pem"));
        Attempt a = attempt(
                listenTcp(creds, "protocols=" + protocol),
                port -> "tls+tcp://127.0.0.1:" + port + "?creds-dir=" + caOnly);
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
        assertMentions(a.server(), "certificate");
        // The client fails too (attempt() checked that it read nothing). In TLS 1.3 its handshake is over before the
        // server decides, and it reads the server's alert; in TLS 1.2 it may still be writing its last flight when the
        // server hangs up, and then reports the transport's "Broken pipe" rather than the alert: an IOException either
        // way.
        assertInstanceOf(IOException.class, a.client());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientCertificateThatAuthzRefusesIsRefused(String protocol) throws Exception {
        Path creds = TlsFixtures.creds();
        Attempt a = attempt(
                listenTcp(creds, "protocols=" + protocol + "&authz=C=UK,CN=someone-else*"),
                port -> "tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds);
        // The refusal happens inside the handshake, so the server's handshake fails and the client gets an alert.
        assertInstanceOf(SSLHandshakeException.class, a.server(), () -> messages(a.server()));
        assertMentions(a.server(), "qemu-client", "someone-else", "authz");
        assertInstanceOf(SSLException.class, a.client(), () -> messages(a.client()));
        assertFalse(
                a.client() instanceof TlsTruncationException,
                () -> "the client must learn of the refusal from an alert: " + messages(a.client()));
    }

    /** The same refusal, reported by what the exception says rather than its class. */
    @Test
    void authzRefusalNamesTheSubjectAndTheList() throws Exception {
        Path creds = TlsFixtures.creds();
        Attempt a = attempt(
                listenTcp(creds, "authz=C=UK,CN=someone-else*"),
                port -> "tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds);
        assertInstanceOf(SSLException.class, a.server(), () -> messages(a.server()));
        assertMentions(a.server(), "CN=qemu-client", "C=UK,CN=someone-else*");
    }

    /** Controls for the authz refusals: the same client passes globs that match it, in either DN order. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "authz=C=UK,O=qio%20tests,CN=qemu*",
                "authz=CN=qemu*,O=qio%20tests,C=UK",
                "authz=CN=nobody&authz=C=UK,O=qio%20tests,CN=qemu-client",
                "authz=*CN=qemu-?lient"
            })
    void aClientCertificateThatAuthzAllowsIsAccepted(String authz) throws Exception {
        Path creds = TlsFixtures.creds();
        try (TlsTestSupport.Pair p = TlsTestSupport.tcpPair("creds-dir=" + creds + "&" + authz, "creds-dir=" + creds)) {
            p.server().writeAll(ascii(MARKER));
            assertEquals(MARKER, readLine(p.client()));
            p.client().writeAll(ascii("from the client\n"));
            assertEquals("from the client\n", readLine(p.server()));
            assertEquals(
                    "CN=qemu-client,O=qio tests,C=UK",
                    ((TlsChannel) p.server()).session().getPeerPrincipal().getName());
        }
    }

    // ---- truncation ---------------------------------------------------------------------------

    /** Two TLS ends made by hand over an inner pair this test holds, so it can close an inner channel. */
    private record HandPair(
            IoListener listener, IoChannel clientInner, IoChannel serverInner, TlsChannel client, TlsChannel server)
            implements AutoCloseable {
        static HandPair over(String innerScheme) throws Exception {
            IoListener listener = IoChannels.listen(
                    innerScheme.equals("mem") ? "mem://" + TlsTestSupport.memName() : "tcp://127.0.0.1:0");
            IoChannel clientInner = null;
            IoChannel serverInner = null;
            try {
                clientInner = IoChannels.open(listener.localUri());
                serverInner = listener.accept();
                TlsCredentials creds = TlsCredentials.fromDirectory(TlsFixtures.creds());
                TlsChannel client = TlsChannels.client(clientInner, creds, "localhost");
                TlsChannel server = TlsChannels.server(serverInner, creds);
                try (Background<TlsChannel> serverHandshake = Background.startVirtual("server handshake", () -> {
                    server.handshake();
                    return null;
                })) {
                    client.handshake();
                    serverHandshake.result();
                }
                return new HandPair(listener, clientInner, serverInner, client, server);
            } catch (Exception e) {
                try (listener;
                        IoChannel c = clientInner;
                        IoChannel s = serverInner) {
                    throw e;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try (listener;
                    clientInner;
                    serverInner;
                    client;
                    server) {
                // all closed
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "tcp"})
    void aPeerThatClosesWithoutCloseNotifyIsATruncation(String inner) throws Exception {
        try (HandPair p = HandPair.over(inner)) {
            p.server().writeAll(ascii("last words\n"));
            p.serverInner().close(); // the raw channel: no close_notify
            assertEquals("last words\n", readLine(p.client()), "what was sent before the cut still arrives");
            TlsTruncationException e =
                    assertThrows(TlsTruncationException.class, () -> p.client().read(ByteBuffer.allocate(16)));
            assertMentions(e, "close_notify");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "tcp"})
    void relaxedEofAcceptsTheCutAsEndOfStream(String inner) throws Exception {
        try (HandPair p = HandPair.over(inner)) {
            p.server().writeAll(ascii("x"));
            p.serverInner().close();
            ByteBuffer got = ByteBuffer.allocate(16);
            assertEquals(1, p.client().readv(new ByteBuffer[] {got}, null, Set.of(ReadFlag.RELAXED_EOF)));
            assertEquals(IoChannel.EOF, p.client().readv(new ByteBuffer[] {got}, null, Set.of(ReadFlag.RELAXED_EOF)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "tcp"})
    void afterShutdownReadTheCutIsEndOfStream(String inner) throws Exception {
        try (HandPair p = HandPair.over(inner)) {
            p.serverInner().close();
            p.client().shutdown(Shutdown.READ);
            assertEquals(IoChannel.EOF, p.client().read(ByteBuffer.allocate(16)));
        }
    }

    /** Control for the truncation cases: with close_notify (bye) the same end is a clean EOF. */
    @ParameterizedTest
    @ValueSource(strings = {"mem", "tcp"})
    void aPeerThatSaysByeIsACleanEof(String inner) throws Exception {
        try (HandPair p = HandPair.over(inner)) {
            p.server().writeAll(ascii("x"));
            p.server().bye();
            p.serverInner().close();
            assertEquals("x", readAscii(p.client(), 1));
            assertEquals(IoChannel.EOF, p.client().read(ByteBuffer.allocate(16)));
        }
    }

    // ---- not TLS at all -------------------------------------------------------------------------

    @Test
    void plaintextInsteadOfAHandshakeFailsThatAcceptAndTheListenerServesTheNextClient() throws Exception {
        Path creds = TlsFixtures.creds();
        try (IoListener listener = IoChannels.listen(listenTcp(creds, ""))) {
            int port = listener.localUri().getPort();
            try (Background<IoChannel> first = accept(listener);
                    Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port));
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.getOutputStream().flush();
                Throwable failure = first.failure();
                assertInstanceOf(SSLHandshakeException.class, failure, () -> messages(failure));
                // The plain client gets a TLS alert record (content type 21) or nothing, never an HTTP answer.
                InputStream in = plain.getInputStream();
                int b = in.read();
                assertTrue(b == -1 || b == 21, "expected EOF or a TLS alert record, got first byte " + b);
            }
            try (Background<IoChannel> second = accept(listener);
                    IoChannel client = IoChannels.open("tls+tcp://127.0.0.1:" + port + "?creds-dir=" + creds);
                    IoChannel peer = second.result()) {
                client.writeAll(ascii("still serving?\n"));
                assertEquals("still serving?\n", readLine(peer));
                peer.writeAll(ascii("yes\n"));
                assertEquals("yes\n", readLine(client));
            }
        }
    }

    /**
     * A client that connects and says nothing holds a blocking accept in its handshake (there is
     * no handshake timeout); closing the listener closes that client and wakes the accept, as
     * {@code IoListener} asks of an accept that waits.
     */
    @Test
    void closingTheListenerWakesAnAcceptWaitingForAClientThatSaysNothing() throws Exception {
        Path creds = TlsFixtures.creds();
        IoListener listener = IoChannels.listen(listenTcp(creds, ""));
        try (Background<IoChannel> accepted = accept(listener);
                Socket silent = new Socket()) {
            silent.connect(
                    new InetSocketAddress("127.0.0.1", listener.localUri().getPort()));
            accepted.awaitBlockedIn(SslEngineChannel.class); // the accept took the client and waits in its handshake

            listener.close();

            Throwable failure = accepted.failure();
            assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, failure, () -> messages(failure));
            assertTrue(
                    failure.getMessage().startsWith(listener.name() + ": "),
                    failure.getMessage()); // not the inner accept
            assertEquals(-1, silent.getInputStream().read(), "the client is closed, with a FIN, not left open");
        }
    }

    @Test
    void aTlsClientAgainstAPlainServerFailsItsHandshake() throws Exception {
        // The mirror image: the server answers in plaintext; the client must not take it for data.
        try (IoListener plain = IoChannels.listen("tcp://127.0.0.1:0");
                Background<String> server = Background.startVirtual("plain server", () -> {
                    try (IoChannel peer = plain.accept()) {
                        peer.writeAll(ascii("HTTP/1.0 400 Bad Request\r\n\r\n"));
                        peer.shutdown(Shutdown.WRITE);
                        ByteBuffer sink = ByteBuffer.allocate(4096);
                        while (peer.read(sink.clear()) > 0) {
                            // drain the ClientHello until the client gives up
                        }
                        return "done";
                    }
                })) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> IoChannels.open("tls+tcp://127.0.0.1:"
                                    + plain.localUri().getPort() + "?creds-dir=" + TlsFixtures.creds())
                            .close());
            assertInstanceOf(SSLHandshakeException.class, e, () -> messages(e));
            server.result();
        }
    }
}
