package dev.qio.provider.tls;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over {@code tls+mem://}: a listener's accepted end and a client, both opened by URI. */
class TlsMemConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return TlsFixtures.mem();
    }
}
