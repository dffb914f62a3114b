package dev.qio.provider.command;

import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The conformance kit over a read-only child that produces a known stream,
 * {@code command:seq?arg=1&arg=20000&mode=r}: about 108 KiB, more than one pump ring.
 */
class SeqConformanceTest extends ChannelContract {
    private static final int LAST = 20_000;
    private static final byte[] EXPECTED = IntStream.rangeClosed(1, LAST)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining("\n", "", "\n"))
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "command-seq-r";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.KNOWN_SOURCE);
            }

            @Override
            public byte[] knownSource() {
                return EXPECTED.clone();
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.loopback(
                        IoChannels.open("command:seq?arg=1&arg=" + LAST + "&mode=r"),
                        ch -> ch.shutdown(Shutdown.WRITE));
            }
        };
    }
}
