package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-blocking mode gives ERR_BLOCK exactly when the kernel says EAGAIN. The kernel's word comes
 * from {@link Kernel} on the channel's own socket, independent of the shared poller:
 * once it reports the socket readable (writable), a read (write) must move bytes at once, whatever
 * the poller has or has not noticed yet; and with nothing sent, a read must say ERR_BLOCK, as the
 * raw socket does.
 */
@Timeout(60)
class NonBlockingTest {
    private static final int ROUNDS = 200;

    /** Returns once the kernel reports the socket readable: the event, not a time. */
    private static void kernelReady(Kernel socket) throws IOException {
        while (!socket.ready(true)) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void readGivesErrBlockOnlyWhenTheKernelHasNothing(String transport) throws IOException {
        SplittableRandom random = new SplittableRandom(transport.hashCode());
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            IoChannel reader = c.server();
            Kernel raw = Kernel.of(reader);
            reader.setBlocking(false);
            // Nothing sent yet: ERR_BLOCK, and the raw socket agrees (EAGAIN reads as 0 in java.nio).
            assertEquals(IoChannel.ERR_BLOCK, reader.read(ByteBuffer.allocate(16)));
            assertFalse(raw.ready(true), "the kernel agrees: nothing to read");
            for (int round = 0; round < ROUNDS; round++) {
                byte[] sent = new byte[1 + random.nextInt(3000)];
                random.nextBytes(sent);
                c.client().writeAll(ByteBuffer.wrap(sent));
                ByteBuffer got = ByteBuffer.allocate(sent.length);
                while (got.hasRemaining()) {
                    kernelReady(raw);
                    long n = reader.read(got);
                    assertTrue(n > 0, "round " + round + ": the kernel says readable, yet read returned " + n);
                    // Read the rest without waiting where the kernel still has bytes.
                    while (got.hasRemaining() && raw.ready(true)) {
                        n = reader.read(got);
                        assertTrue(n > 0, "round " + round + ": the kernel says readable, yet read returned " + n);
                    }
                }
                assertArrayEquals(sent, got.array(), "round " + round);
                // All that was sent is read: ERR_BLOCK again, never EOF.
                assertEquals(IoChannel.ERR_BLOCK, reader.read(ByteBuffer.allocate(1)), "round " + round);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void writeGivesErrBlockOnlyWhenTheKernelHasNoRoom(String transport) throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            IoChannel writer = c.client();
            Kernel raw = Kernel.of(writer);
            writer.setBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(16 << 10);
            long written = 0;
            long drained = 0;
            int errBlocks = 0;
            ByteBuffer sink = ByteBuffer.allocate(64 << 10);
            for (int round = 0; round < 20; round++) {
                // Fill: a write moves bytes until the kernel has no room; where the kernel reports
                // room, the write must not say ERR_BLOCK.
                while (true) {
                    boolean room = raw.ready(false);
                    long n = writer.write(chunk.clear());
                    if (n == IoChannel.ERR_BLOCK) {
                        assertTrue(
                                !room, "round " + round + ": the kernel reported room, yet write returned ERR_BLOCK");
                        errBlocks++;
                        break;
                    }
                    assertTrue(n > 0, "a write returns bytes or ERR_BLOCK, got " + n);
                    written += n;
                }
                // Drain some on the peer (blocking), until the kernel reports room here again.
                while (!raw.ready(false)) {
                    long n = c.server().read(sink.clear());
                    assertTrue(n > 0);
                    drained += n;
                }
                long n = writer.write(chunk.clear());
                assertNotEquals(IoChannel.ERR_BLOCK, n, "round " + round + ": room reported, yet ERR_BLOCK");
                written += n;
            }
            assertEquals(20, errBlocks);
            writer.shutdown(dev.qio.channel.Shutdown.WRITE);
            while (c.server().read(sink.clear()) != IoChannel.EOF) {
                drained += sink.position();
            }
            assertEquals(written, drained, "every byte written arrives, none twice");
        }
    }

    /** After ERR_BLOCK, await(IN) returns once data arrives, and the read then moves it. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void awaitAfterErrBlockReturnsWhenDataArrives(String transport) throws Exception {
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            IoChannel reader = c.server();
            reader.setBlocking(false);
            for (int round = 0; round < 50; round++) {
                assertEquals(IoChannel.ERR_BLOCK, reader.read(ByteBuffer.allocate(1)));
                var waiter = Background.start("waiter", () -> {
                    reader.await(IoCondition.IN);
                    return reader.read(ByteBuffer.allocate(1));
                });
                waiter.awaitBlockedIn(dev.qio.channel.spi.AbstractIoChannel.class);
                c.client().write(TestIo.ascii("x"));
                assertEquals(1, (int) waiter.result(), "round " + round);
            }
        }
    }
}
