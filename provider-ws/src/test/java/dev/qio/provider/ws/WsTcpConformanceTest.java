package dev.qio.provider.ws;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over {@code ws+tcp://}: a listener's accepted end and a client, both opened by URI. */
class WsTcpConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return WsFixtures.tcp();
    }
}
