package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * setCork holds small writes until uncorked: TCP_CORK in the kernel on the native backend, a buffer
 * in this process on the java.nio one (which has no TCP_CORK).
 */
@Timeout(30)
class CorkTest {
    @Test
    void corkedWritesArriveTogetherOnUncork() throws Exception {
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(l.localUri());
                IoChannel server = l.accept()) {
            client.setCork(true);
            client.writeAll(ByteBuffer.wrap("ab".getBytes()));
            client.writeAll(ByteBuffer.wrap("cd".getBytes()));
            server.setBlocking(false);
            // Held in this process, so nothing can have reached the peer yet.
            assertEquals(IoChannel.ERR_BLOCK, server.read(ByteBuffer.allocate(8)));
            client.setCork(false);
            server.setBlocking(true);
            ByteBuffer got = ByteBuffer.allocate(4);
            server.readAll(got);
            assertEquals("abcd", new String(got.array()));
        }
    }

    @Test
    void corkedWritesLargerThanTheBufferKeepTheirOrder() throws Exception {
        byte[] data = new byte[300_000];
        new SplittableRandom(7).nextBytes(data);
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(l.localUri());
                IoChannel server = l.accept()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.setCork(true);
                    for (int off = 0; off < data.length; off += 1000) {
                        client.writeAll(ByteBuffer.wrap(data, off, Math.min(1000, data.length - off)));
                    }
                    client.setCork(false);
                    client.shutdown(dev.qio.channel.Shutdown.WRITE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (server.read(buf.clear()) != IoChannel.EOF) {
                out.write(buf.array(), 0, buf.position());
            }
            writer.join();
            assertArrayEquals(data, out.toByteArray());
        }
    }
}
