package dev.qio.provider.socket;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The conformance kit over unix socket pairs (listen, connect, accept; 64 KiB socket buffers). */
class UnixConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return SocketFixtures.pairs("unix", SocketFixtures::unix);
    }
}
