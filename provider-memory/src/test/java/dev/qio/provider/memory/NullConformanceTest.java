package dev.qio.provider.memory;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/** The conformance kit over {@code null:}: an empty source and a discarding sink. */
class NullConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "null";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.EMPTY_SOURCE, Capability.DISCARDING_SINK);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.of(IoChannels.open("null:"), IoChannels.open("null:"));
            }
        };
    }
}
