package dev.qio.provider.fault;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/**
 * The kit over {@code fault+mem://} with splits and spurious {@code ERR_BLOCK}s on: the
 * contract's properties, the {@code *All} loops' among them, hold when every transfer may be cut
 * short and every non-blocking call may block for nothing (see {@link FaultFixtures} for what it
 * leaves to {@link FaultMemSplitConformanceTest}).
 */
class FaultMemConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return FaultFixtures.adversarial("mem");
    }
}
