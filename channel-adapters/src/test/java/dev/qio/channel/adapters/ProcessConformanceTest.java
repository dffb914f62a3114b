package dev.qio.channel.adapters;

import dev.qio.channel.Shutdown;
import dev.qio.provider.command.CommandChannels;
import dev.qio.provider.command.CommandOptions;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.util.EnumSet;

/** A {@code cat} started by a plain ProcessBuilder and adopted by {@code CommandChannels.adopt}, as a loopback. */
class ProcessConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of(
                "foreign-process",
                EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE),
                () -> ChannelPair.loopback(
                        CommandChannels.adopt(new ProcessBuilder("cat").start(), CommandOptions.defaults()),
                        ch -> ch.shutdown(Shutdown.WRITE)));
    }
}
