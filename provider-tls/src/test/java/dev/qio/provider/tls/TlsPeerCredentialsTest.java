package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.PeerCredentials;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tls+unix:} reports the unix peer's credentials: TLS changes what the bytes mean, not who sends them. */
@Timeout(60)
class TlsPeerCredentialsTest {

    @Test
    void tlsOverUnixReportsTheUnixPeersCredentials() throws IOException {
        PeerCredentials unixPeer = unixPeerCredentials();
        String creds = TlsFixtures.credsQuery();
        try (ChannelPair pair = ChannelPair.connected(
                IoChannels.registry(), "tls+unix://" + TlsFixtures.socketPath() + "?" + creds, creds)) {
            for (IoChannel ch : List.of(pair.writer(), pair.reader())) {
                assertEquals(unixPeer, ch.peerCredentials(), ch.name());
                assertEquals(unixPeer.pid(), ch.peerPid(), ch.name());
            }
        }
    }

    @Test
    void tlsOverTcpRefusesAsTcpDoes() throws IOException {
        String creds = TlsFixtures.credsQuery();
        try (ChannelPair pair = ChannelPair.connected(IoChannels.registry(), "tls+tcp://127.0.0.1:0?" + creds, creds)) {
            assertThrows(UnsupportedOperationException.class, pair.writer()::peerCredentials);
        }
    }

    /**
     * What a plain {@code unix:} channel made by this process reports about its peer (this process);
     * skips where the backend cannot tell ({@code java.nio}).
     */
    private static PeerCredentials unixPeerCredentials() throws IOException {
        try (ChannelPair plain =
                ChannelPair.connected(IoChannels.registry(), "unix://" + TlsFixtures.socketPath(), "")) {
            return plain.writer().peerCredentials();
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("unix: has no peer credentials on this backend: " + e.getMessage());
            throw e;
        }
    }
}
