package org.example.qio.gzip;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance kit over {@code gzip+mem://}: the provider listens on {@code gzip+mem://gz-N}
 * (a wrapped {@code mem://} listener), the writer is a client opened by URI, the reader the
 * accepted end. Closing the writer ({@code finishWriting}) writes the gzip trailer.
 */
class GzipConformanceTest extends ChannelContract {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "gzip+mem";
            }

            @Override
            public Set<Capability> capabilities() {
                // Not FILL: the writer never reports ERR_BLOCK, it works in blocking mode only.
                return EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE,
                        Capability.BLOCKING_ONLY);
            }

            @Override
            public ChannelPair open() throws IOException {
                String uri = "gzip+mem://gz-" + NAMES.incrementAndGet();
                IoListener listener = IoChannels.listen(uri);
                IoChannel writer = IoChannels.open(uri);
                IoChannel reader = listener.accept();
                return ChannelPair.of(writer, reader, listener);
            }
        };
    }
}
