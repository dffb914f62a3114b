package dev.qio.provider.command;

import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The conformance kit over {@code command:cat} as a loopback, as QEMU's echo test uses one
 * {@code socat - -} channel as both ends: what the kit writes goes to cat's stdin and comes back
 * from its stdout; {@code shutdown(WRITE)} ends the stream (cat reads EOF, flushes and exits).
 *
 * <p>FILL is not declared: cat keeps draining the channel while its output has room, so a writer's
 * first {@code ERR_BLOCK} is momentary and the kit's FILL properties ("still full", no OUT before a
 * read, a blocked write that only close ends) would fail by timing. {@link GatedCatConformanceTest}
 * runs them over a cat that does not read until the kit's reader arrives.
 */
class CatConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "command-cat";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.loopback(IoChannels.open("command:cat?mode=rw"), ch -> ch.shutdown(Shutdown.WRITE));
            }
        };
    }
}
