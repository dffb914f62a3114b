package dev.qio.provider.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.PeerCredentials;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fault+unix:} reports the unix peer's credentials, as every layer does. */
@Timeout(30)
class FaultPeerCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void faultOverUnixReportsTheUnixPeersCredentials() throws IOException {
        PeerCredentials unixPeer;
        try (ChannelPair plain = ChannelPair.connected(IoChannels.registry(), "unix://" + dir.resolve("plain"), "")) {
            unixPeer = plain.writer().peerCredentials();
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("unix: has no peer credentials on this backend: " + e.getMessage());
            return;
        }
        try (ChannelPair pair = ChannelPair.connected(
                IoChannels.registry(), "fault+unix://" + dir.resolve("layered") + "?seed=1&split=50", "")) {
            for (IoChannel ch : List.of(pair.writer(), pair.reader())) {
                assertEquals(unixPeer, ch.peerCredentials(), ch.name());
                assertEquals(unixPeer.pid(), ch.peerPid(), ch.name());
            }
        }
    }
}
