package dev.qio.provider.fault;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kit fixtures over {@code fault+}: a listener and a client opened by URI, each pair with the next
 * seed, so a run is the same from one run to the next. Two kinds, because the kit reads an
 * {@code ERR_BLOCK} from a writer it filled as "full" (and fails an OUT watch that fires before it
 * reads) and one from a reader it starved as "empty": a spurious {@code ERR_BLOCK} contradicts
 * exactly those properties, so
 * <ul>
 *   <li>{@link #adversarial} splits half the calls and spuriously blocks a third of the
 *       non-blocking ones, and declares neither STARVE nor FILL: round trips, the {@code *All}
 *       loops, EOF rules and watches on data run under both faults;
 *   <li>{@link #split} splits half the calls and declares STARVE and FILL too.
 * </ul>
 */
final class FaultFixtures {
    private FaultFixtures() {}

    private static final AtomicInteger SEEDS = new AtomicInteger();
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String BUFFERS = "sndbuf=65536&rcvbuf=65536";

    /** {@code fault+mem://} or {@code fault+tcp://} ({@code inner}) with {@code split=50&block=30}. */
    static ChannelFixture adversarial(String inner) {
        return fixture(inner, "split=50&block=30", EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT));
    }

    /** {@code fault+mem://} or {@code fault+tcp://} ({@code inner}) with {@code split=50}. */
    static ChannelFixture split(String inner) {
        return fixture(
                inner,
                "split=50",
                EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL));
    }

    private static ChannelFixture fixture(String inner, String faults, Set<Capability> capabilities) {
        return ChannelFixture.of("fault+" + inner + " (" + faults + ")", capabilities, () -> {
            String listen = inner.equals("mem")
                    ? "fault+mem://fault-kit-" + NAMES.incrementAndGet() + "?"
                    : "fault+tcp://127.0.0.1:0?" + BUFFERS + "&";
            String client = inner.equals("mem") ? "" : BUFFERS + "&";
            return ChannelPair.connected(
                    IoChannels.registry(),
                    listen + faults + "&seed=" + SEEDS.incrementAndGet(),
                    client + faults + "&seed=" + SEEDS.incrementAndGet());
        });
    }
}
