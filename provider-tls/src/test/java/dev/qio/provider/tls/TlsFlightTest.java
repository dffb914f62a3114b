package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each handshake flight reaches the inner channel in one write: between two writes of one end,
 * that end has read something from its peer. A flight split over several writes costs 40 ms on
 * Linux TCP (the later segment waits for the ACK of the earlier one, and the peer delays it while
 * it waits for the rest), so this is the property that keeps handshakes fast, checked by counting
 * writes rather than by timing them.
 */
class TlsFlightTest {

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eachFlightLeavesInOneWrite(String protocol) throws Exception {
        TlsCredentials clientCreds = credentials(protocol, TlsCredentials.Endpoint.CLIENT);
        TlsCredentials serverCreds = credentials(protocol, TlsCredentials.Endpoint.SERVER);
        try (IoListener listener = IoChannels.listen("mem://" + TlsFixtures.memName());
                Recording clientInner = new Recording(IoChannels.open(listener.localUri()));
                Recording serverInner = new Recording(listener.accept());
                TlsChannel client = TlsChannels.client(clientInner, clientCreds, "localhost");
                TlsChannel server = TlsChannels.server(serverInner, serverCreds)) {
            CompletableFuture<Void> serverSide = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    server.handshake();
                    serverSide.complete(null);
                } catch (Throwable t) {
                    serverSide.completeExceptionally(t);
                }
            });
            client.handshake();
            serverSide.get();
            assertEquals(protocol, client.session().getProtocol());

            for (Recording end : List.of(clientInner, serverInner)) {
                String events = end.events();
                assertTrue(events.contains("W"), end.name() + " wrote nothing: " + events);
                assertTrue(
                        !events.contains("WW"),
                        end.name() + " split a flight over several writes"
                                + " (W: a write, R: a read that brought bytes): " + events);
            }
        }
    }

    private static TlsCredentials credentials(String protocol, TlsCredentials.Endpoint endpoint) throws IOException {
        return TlsCredentials.builder()
                .directory(TlsFixtures.creds())
                .endpoint(endpoint)
                .protocols(protocol)
                .build();
    }

    /** A channel that passes everything to {@code inner} and notes each write and each read that brought bytes. */
    private static final class Recording extends AbstractIoChannel {
        private final IoChannel inner;
        private final StringBuffer events = new StringBuffer();

        Recording(IoChannel inner) {
            super("recording:" + inner.name());
            this.inner = inner;
        }

        String events() {
            return events.toString();
        }

        @Override
        protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
            long n = inner.readv(iov);
            if (n > 0) {
                events.append('R');
            }
            return n;
        }

        @Override
        protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
            long n = inner.writev(iov);
            if (n > 0) {
                events.append('W');
            }
            return n;
        }

        @Override
        protected void implClose() throws IOException {
            inner.close();
        }

        @Override
        protected Readiness readiness() {
            return readinessOf(inner).orElseThrow();
        }

        @Override
        protected void implSetBlocking(boolean blocking) throws IOException {
            inner.setBlocking(blocking);
        }
    }
}
