package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.spi.LingeringClose;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spi's lingering close over a real tcp connection (on the backend of this run), seen by a
 * plain {@code java.nio} peer: what the peer sent and nobody read does not turn the close into a
 * reset, the descriptor stays open until the peer ends too, and {@link LingeringClose#awaitAll}
 * waits for exactly that.
 */
@Timeout(60)
class LingeringCloseTest {
    @Test
    void theLingerEndsWithThePeerAndAwaitAllSeesIt() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            IoChannel ours = IoChannels.open("tcp://127.0.0.1:" + port);
            try (SocketChannel peer = server.accept()) {
                peer.write(ByteBuffer.wrap(new byte[1000])); // unread at close: a plain close would reset
                ours.writeAll(ByteBuffer.wrap(new byte[] {42}));
                ours.setBlocking(false);

                LingeringClose.start(ours);

                ByteBuffer got = ByteBuffer.allocate(2);
                while (peer.read(got) != -1) {
                    assertTrue(got.position() <= 1, "more than the one byte sent");
                }
                assertEquals(42, got.get(0), "the last byte arrived before the end, not a reset");
                assertTrue(ours.isOpen(), "the inner channel closed before the peer ended");
                assertFalse(LingeringClose.awaitAll(Duration.ZERO), "a linger waiting for the peer counts");
                peer.write(ByteBuffer.wrap(new byte[5000])); // read and dropped meanwhile
            }
            assertTrue(LingeringClose.awaitAll(Duration.ofSeconds(30)), "the linger outlived the peer's end");
            assertFalse(ours.isOpen(), "awaitAll returned before the inner channel closed");
        }
    }
}
