package dev.qio.provider.fault;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over {@code fault+tcp://} on loopback (64 KiB socket buffers) with splits on, starving and filling included. */
class FaultTcpSplitConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return FaultFixtures.split("tcp");
    }
}
