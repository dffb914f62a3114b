package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumSet;

/** A {@code java.net.Socket}'s two streams at each end, wrapped by {@link ForeignChannels#ofStreams}. */
class StreamPairConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of(
                "foreign-streams",
                EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.BLOCKING_ONLY),
                StreamPairConformanceTest::open);
    }

    static ChannelPair open() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
            try {
                Socket accepted = server.accept();
                return ChannelPair.of(streams(client, "streams-client"), streams(accepted, "streams-accepted"));
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }

    private static IoChannel streams(Socket s, String name) throws IOException {
        return ForeignChannels.ofStreams(s.getInputStream(), s.getOutputStream(), name);
    }
}
