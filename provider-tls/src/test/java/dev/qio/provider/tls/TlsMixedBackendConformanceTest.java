package dev.qio.provider.tls;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.MixedPairs;

/**
 * The kit over {@code tls+tcp://} whose two ends' inner tcp differ: the client's runs on the
 * java.nio backend, the listener's on the native one; the client writes. Skips where the native
 * backend cannot run.
 */
class TlsMixedBackendConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of("tls+tcp nio→native", TlsFixtures.STREAM, () -> {
            ChannelRegistry all = IoChannels.registry();
            return MixedPairs.connected(
                    MixedPairs.only(all, "tcp", "dev.qio.provider.socket.LinuxSocketProvider"),
                    "tls+tcp://127.0.0.1:0?" + TlsFixtures.credsQuery() + "&" + TlsFixtures.BUFFERS,
                    MixedPairs.only(all, "tcp", "dev.qio.provider.socket.SocketProvider"),
                    TlsFixtures.credsQuery() + "&" + TlsFixtures.BUFFERS);
        });
    }
}
