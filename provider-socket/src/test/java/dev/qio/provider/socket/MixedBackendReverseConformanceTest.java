package dev.qio.provider.socket;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.MixedPairs;

/**
 * The kit over tcp connections whose ends are on different backends, the other way round: the
 * java.nio listener's accepted end writes to the native client ({@link MixedPairs#reversed}).
 */
class MixedBackendReverseConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        ChannelFixture forward = MixedBackendConformanceTest.across(
                "tcp4 nio→native", MixedBackendConformanceTest.NIO, MixedBackendConformanceTest.NATIVE);
        return ChannelFixture.of(forward.name(), forward.capabilities(), () -> MixedPairs.reversed(forward.open()));
    }
}
