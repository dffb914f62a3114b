package dev.qio.provider.socket;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The conformance kit over tcp6 socket pairs (listen, connect, accept; 64 KiB socket buffers). */
class Tcp6ConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return SocketFixtures.pairs("tcp6", SocketFixtures::tcp6);
    }
}
