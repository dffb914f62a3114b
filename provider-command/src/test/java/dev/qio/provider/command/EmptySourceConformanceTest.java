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
 * The conformance kit over a read-only child with no output, {@code command:true?mode=r}: an empty
 * source, whose writes are refused. {@link SeqConformanceTest} covers a source with known bytes.
 */
class EmptySourceConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "command-true-r";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.EMPTY_SOURCE);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.loopback(IoChannels.open("command:true?mode=r"), ch -> ch.shutdown(Shutdown.WRITE));
            }
        };
    }
}
