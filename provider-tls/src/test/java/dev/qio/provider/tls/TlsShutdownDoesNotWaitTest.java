package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.ChannelPair;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code shutdown(WRITE)} never blocks, as the contract says, even while the peer reads nothing
 * and the inner channel cannot take the close_notify: it goes, and the inner write side shuts,
 * once the peer reads again, which then reads every byte and the end. Over {@code mem://}, whose
 * full pipe stays full until the peer reads. A shutdown that waited for the inner channel hangs
 * here (the timeout turns that into a failure); it did, and a WebSocket over TLS, whose close
 * shuts the TLS channel's writes, hung in the kit's single-threaded model test.
 */
@Timeout(60)
class TlsShutdownDoesNotWaitTest {

    @Test
    void shutdownOfWritesReturnsWhileThePeerReadsNothingAndThePeerThenReadsEverything() throws Exception {
        // mem://: a full pipe stays full until the peer reads (a TCP socket frees room as ACKs come)
        try (ChannelPair pair = ChannelPair.connected(
                IoChannels.registry(),
                "tls+mem://" + TlsFixtures.memName() + "?capacity=16384&" + TlsFixtures.credsQuery(),
                TlsFixtures.credsQuery())) {
            IoChannel writer = pair.writer();
            writer.setBlocking(false);
            ByteBuffer[] chunk = {ByteBuffer.allocate(4096)};
            long written = 0;
            long n;
            while ((n = writer.writev(chunk)) != IoChannel.ERR_BLOCK) {
                written += n;
                chunk[0].clear();
            }
            assertTrue(written > 0, "the writer filled the connection");

            writer.shutdown(Shutdown.WRITE);

            assertEquals(written, readToEnd(pair.reader()), "bytes the peer read before the end");
        }
    }

    private static long readToEnd(IoChannel reader) throws Exception {
        ByteBuffer[] into = {ByteBuffer.allocate(8 << 10)};
        long total = 0;
        long n;
        while ((n = reader.readv(into)) != IoChannel.EOF) {
            total += n;
            into[0].clear();
        }
        return total;
    }
}
