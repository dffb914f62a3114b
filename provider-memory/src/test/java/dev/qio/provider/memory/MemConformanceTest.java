package dev.qio.provider.memory;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The conformance kit over {@code mem://} pipes: a listener, a client end and the accepted end. */
class MemConformanceTest extends ChannelContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "mem";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.connected(IoChannels.registry(), "mem://kit-" + NAMES.incrementAndGet(), "");
            }
        };
    }
}
