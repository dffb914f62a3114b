package dev.qio.channel.adapters;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over a write buffer on both ends of a {@code mem://} pair ({@link BufferedPairs}). */
class BufferedMemConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return BufferedPairs.mem();
    }
}
