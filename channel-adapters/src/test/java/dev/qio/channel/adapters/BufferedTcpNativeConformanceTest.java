package dev.qio.channel.adapters;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over a write buffer on both ends of a {@code tcp://} connection on the native backend ({@link BufferedPairs}). */
class BufferedTcpNativeConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return BufferedPairs.tcp("buffered-tcp-native", "dev.qio.provider.socket.LinuxSocketProvider");
    }
}
