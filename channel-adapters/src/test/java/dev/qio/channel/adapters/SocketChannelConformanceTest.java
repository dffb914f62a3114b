package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;

/** Both ends are user sockets wrapped by {@link ForeignChannels#ofSocket}. */
class SocketChannelConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of("foreign-socket", Pairs.STREAM, () -> {
            IoChannel[] ends = Pairs.wrappedSockets();
            return ChannelPair.of(ends[0], ends[1]);
        });
    }
}
