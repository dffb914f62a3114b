package dev.qio.provider.socket;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The conformance kit over tcp4 socket pairs (listen, connect, accept; 64 KiB socket buffers). */
class Tcp4ConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return SocketFixtures.pairs("tcp4", SocketFixtures::tcp4);
    }
}
