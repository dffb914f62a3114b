package dev.qio.provider.fault;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over {@code fault+mem://} with splits on, starving and filling included. */
class FaultMemSplitConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return FaultFixtures.split("mem");
    }
}
