package dev.qio.provider.tls;

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
 * A TLS 1.3 client that writes and closes without ever reading: the server must read every byte
 * and then close_notify, never a reset or a truncation. The client never reads the session
 * tickets the server sends after the handshake, and they may arrive after the close; a TCP
 * socket closed with them unread would reset the connection and destroy the records still on
 * their way. Under {@code fault+} the writes are split and blocked at random, so the close often
 * meets the flusher mid-turn too.
 */
class TlsCloseWhileFlushingTest {
    private static final int ROUNDS = 100;
    private static final int SIZE = 80 << 10;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "fault+tcp"})
    void the_peer_reads_everything_then_close_notify(String inner) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String faults = inner.startsWith("fault+") ? "&split=50&block=30&seed=" + (round + 1) : "";
            try (ChannelPair pair = ChannelPair.connected(
                    IoChannels.registry(),
                    "tls+" + inner + "://127.0.0.1:0?" + TlsFixtures.credsQuery() + faults,
                    TlsFixtures.credsQuery() + faults)) {
                long read = TestIo.writeThenFinish(pair, SIZE, TlsCloseWhileFlushingTest::readToEof);
                assertEquals(SIZE, read, "round " + round + ": bytes read before EOF");
            }
        }
    }

    /** Reads to the end; a failure says how far it got. */
    private static long readToEof(IoChannel server) throws IOException {
        ByteBuffer[] into = {ByteBuffer.allocate(8 << 10)};
        long total = 0;
        try {
            long n;
            while ((n = server.readv(into)) != IoChannel.EOF) {
                total += n;
                into[0].clear();
            }
            return total;
        } catch (IOException e) {
            throw new IOException(server.name() + ": failed after " + total + " of " + SIZE + " bytes", e);
        }
    }
}
