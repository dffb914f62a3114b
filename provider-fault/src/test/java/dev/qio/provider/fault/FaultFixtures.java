package dev.qio.provider.fault;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kit fixtures over {@code fault+}: a listener and a client opened by URI, both ends with reads
 * and writes split at random and spurious {@code ERR_BLOCK}s in non-blocking mode. Each pair gets
 * the next seed, so the run is the same from one run to the next.
 */
final class FaultFixtures {
    private FaultFixtures() {}

    /** Half the calls split, a third of the non-blocking ones spuriously blocked. */
    static final String ADVERSARIAL = "split=50&block=30";
    private static final AtomicInteger SEEDS = new AtomicInteger();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static String faults() {
        return ADVERSARIAL + "&seed=" + SEEDS.incrementAndGet();
    }

    static ChannelFixture mem() {
        return ChannelFixture.of("fault+mem", EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL),
                () -> ChannelPair.connected(IoChannels.registry(), "fault+mem://fault-kit-" + NAMES.incrementAndGet() + "?" + faults(), faults()));
    }

    static ChannelFixture tcp() {
        String buffers = "sndbuf=65536&rcvbuf=65536";
        return ChannelFixture.of("fault+tcp", EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL),
                () -> ChannelPair.connected(IoChannels.registry(), "fault+tcp://127.0.0.1:0?" + buffers + "&" + faults(),
                        buffers + "&" + faults()));
    }
}
