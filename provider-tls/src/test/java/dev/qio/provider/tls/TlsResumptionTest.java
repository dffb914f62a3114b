package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients opened by URI with the same options resume the session of an earlier connection to the
 * same host and port (the server's TLS 1.3 ticket, or a TLS 1.2 session id), where a channel over
 * {@code mem://}, which has no port, always shakes hands in full. A resumed session is the one the
 * first handshake made: same creation time.
 */
class TlsResumptionTest {

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSecondClientToTheSameServerResumes(String protocol) throws Exception {
        String query = TlsFixtures.credsQuery() + "&protocols=" + protocol;
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + query)) {
            String uri = listener.localUri() + "?" + query;
            SSLSession first = oneConnection(listener, uri);
            SSLSession second = oneConnection(listener, uri);
            assertEquals(protocol, second.getProtocol());
            assertEquals(first.getCreationTime(), second.getCreationTime(), "the second client did not resume");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutAPortEveryHandshakeIsFull(String protocol) throws Exception {
        String query = TlsFixtures.credsQuery() + "&protocols=" + protocol;
        try (IoListener listener = IoChannels.listen("tls+mem://" + TlsFixtures.memName() + "?" + query)) {
            String uri = listener.localUri() + "?" + query;
            SSLSession first = oneConnection(listener, uri);
            SSLSession second = oneConnection(listener, uri);
            assertNotEquals(first.getCreationTime(), second.getCreationTime(), "a client without a port resumed");
        }
    }

    /**
     * Connects, reads the one byte the server sends (so a TLS 1.3 client has read the ticket that
     * came before it), and closes both ends; returns the client's session.
     */
    private static SSLSession oneConnection(IoListener listener, String uri) throws Exception {
        CompletableFuture<Void> served = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (IoChannel server = listener.accept()) {
                server.writeAll(ByteBuffer.wrap(new byte[] {42}));
                while (server.read(ByteBuffer.allocate(16)) != IoChannel.EOF) {
                    // until the client's close_notify
                }
                served.complete(null);
            } catch (Throwable t) {
                served.completeExceptionally(t);
            }
        });
        SSLSession session;
        try (IoChannel client = IoChannels.open(uri)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            if (client.read(one) != 1 || one.get(0) != 42) {
                throw new IOException("expected the server's byte");
            }
            session = ((TlsChannel) client).session();
        }
        served.get();
        return session;
    }
}
