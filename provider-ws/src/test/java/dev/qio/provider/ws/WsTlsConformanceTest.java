package dev.qio.provider.ws;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over {@code ws+tls+tcp://}: a listener's accepted end and a client, both opened by URI. */
class WsTlsConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return WsFixtures.tls();
    }
}
