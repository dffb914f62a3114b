package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * The kit over a connection whose reader end is a peer we did not write: our
 * {@code IoChannels.open("tcp://…")} writes, and a plain {@code java.nio} socket accepted from a
 * plain {@link ServerSocketChannel} reads, through the test-only {@link NioPeerChannel}. Bytes on
 * the wire interoperate with a stock TCP peer. The reverse direction (a plain client writing to
 * our listener's accepted end) is {@link NioPeerReverseConformanceTest}.
 */
class NioPeerTcpConformanceTest extends ChannelContract {
    static final int BUFFER = 65_536;

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "tcp4 qio→nio";
            }

            @Override
            public Set<Capability> capabilities() {
                return SocketFixtures.STREAM;
            }

            @Override
            public ChannelPair open() throws IOException {
                ServerSocketChannel plain = ServerSocketChannel.open();
                try {
                    plain.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER); // accepted sockets inherit it
                    plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                    int port = ((InetSocketAddress) plain.getLocalAddress()).getPort();
                    IoChannel ours = IoChannels.open("tcp://127.0.0.1:" + port + "?" + SocketFixtures.BUFFERS);
                    try {
                        SocketChannel raw = plain.accept(); // blocking: the client is already connected
                        raw.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
                        return ChannelPair.of(
                                ours, new NioPeerChannel("nio-peer:" + raw.getRemoteAddress(), raw), plain);
                    } catch (IOException | RuntimeException e) {
                        ours.close();
                        throw e;
                    }
                } catch (IOException | RuntimeException e) {
                    plain.close();
                    throw e;
                }
            }
        };
    }

    /** A listener of ours whose accepted end reads what a plain java.nio client writes. */
    static ChannelFixture reverse() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "tcp4 nio→qio";
            }

            @Override
            public Set<Capability> capabilities() {
                return SocketFixtures.STREAM;
            }

            @Override
            public ChannelPair open() throws IOException {
                IoListener listener = IoChannels.listen("tcp://127.0.0.1:0?" + SocketFixtures.BUFFERS);
                try {
                    SocketChannel raw = SocketChannel.open();
                    try {
                        raw.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
                        raw.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER);
                        raw.connect(new InetSocketAddress(
                                InetAddress.getByName("127.0.0.1"),
                                listener.localUri().getPort()));
                    } catch (IOException | RuntimeException e) {
                        raw.close();
                        throw e;
                    }
                    IoChannel peer = new NioPeerChannel("nio-peer:" + raw.getLocalAddress(), raw);
                    try {
                        return ChannelPair.of(peer, listener.accept(), listener);
                    } catch (IOException | RuntimeException e) {
                        peer.close();
                        throw e;
                    }
                } catch (IOException | RuntimeException e) {
                    listener.close();
                    throw e;
                }
            }
        };
    }
}
