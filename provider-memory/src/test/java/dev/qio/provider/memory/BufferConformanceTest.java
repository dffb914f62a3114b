package dev.qio.provider.memory;

import dev.qio.channel.IoChannels;
import dev.qio.channel.Whence;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/** The conformance kit over {@code buffer:}: one channel, written, rewound, then read. */
class BufferConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "buffer";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.loopback(IoChannels.open("buffer:"), ch -> ch.seek(0, Whence.SET));
            }
        };
    }
}
