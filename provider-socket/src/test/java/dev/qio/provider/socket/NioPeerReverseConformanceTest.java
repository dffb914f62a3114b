package dev.qio.provider.socket;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/**
 * The kit over a connection whose writer end is a peer we did not write: a plain {@code java.nio}
 * client (through the test-only {@link NioPeerChannel}) writes, and the end our
 * {@code IoChannels.listen("tcp://…")} accepted reads.
 */
class NioPeerReverseConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return NioPeerTcpConformanceTest.reverse();
    }
}
