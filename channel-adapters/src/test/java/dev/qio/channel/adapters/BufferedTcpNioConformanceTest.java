package dev.qio.channel.adapters;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/** The kit over a write buffer on both ends of a {@code tcp://} connection on the java.nio backend ({@link BufferedPairs}). */
class BufferedTcpNioConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return BufferedPairs.tcp("buffered-tcp-nio", "dev.qio.provider.socket.SocketProvider");
    }
}
