package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that writes and closes while the server sends it something it never reads: the
 * server must still read every byte and then the close frame, never a reset. The server sends
 * late, once most of the data has arrived, so its bytes reach the client after the client's
 * close; a TCP socket closed with them unread would reset the connection and destroy the
 * client's last frames on their way. The close lingers until the server's end instead.
 */
class WsCloseWithUnreadInputTest {
    private static final int ROUNDS = 50;
    private static final int SIZE = 256 << 10;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "fault+tcp"})
    void the_server_reads_everything_then_the_close_frame(String inner) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String faults = inner.startsWith("fault+") ? "&split=50&block=30&seed=" + (round + 1) : "";
            try (ChannelPair pair = ChannelPair.connected(
                    IoChannels.registry(),
                    "ws+" + inner + "://127.0.0.1:0?" + WsFixtures.BUFFERS + faults,
                    WsFixtures.BUFFERS + faults)) {
                long read = TestIo.writeThenFinish(pair, SIZE, WsCloseWithUnreadInputTest::readAnsweringLate);
                assertEquals(SIZE, read, "round " + round + ": bytes read before EOF");
            }
        }
    }

    /** Reads to the end, sending 1 KiB the client never reads once three quarters arrived. */
    private static long readAnsweringLate(IoChannel server) throws IOException {
        ByteBuffer[] into = {ByteBuffer.allocate(8 << 10)};
        long total = 0;
        boolean answered = false;
        try {
            long n;
            while ((n = server.readv(into)) != IoChannel.EOF) {
                total += n;
                into[0].clear();
                if (!answered && total >= SIZE * 3 / 4) {
                    answered = true;
                    server.writeAll(ByteBuffer.allocate(1024));
                }
            }
            return total;
        } catch (IOException e) {
            throw new IOException(server.name() + ": failed after " + total + " of " + SIZE + " bytes", e);
        }
    }
}
