package dev.qio.provider.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Background;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code delay=MS}: blocking calls wait before they start, parked (a virtual thread frees its carrier); data is unchanged. */
@Timeout(60)
class FaultDelayTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A delayed read on a virtual thread is parked in the delay, not pinned, and then reads what was there. */
    @Test
    void aDelayedReadOnAVirtualThreadIsParkedAndThenReads() throws Exception {
        String name = "fault-delay-" + NAMES.incrementAndGet();
        try (IoListener l = IoChannels.listen("mem://" + name);
                IoChannel delayed = IoChannels.open("fault+mem://" + name + "?delay=1000&seed=6");
                IoChannel plain = l.accept()) {
            plain.writeAll(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer got = ByteBuffer.allocate(3);
            // Seed 6's first draw is the longest delay, 1000 ms: long enough to be seen parked.
            var reader = Background.startVirtual("delayed-reader", () -> {
                delayed.readAll(got);
                return got.position();
            });
            while (!(Background.isBlockedIn(reader.thread(), FaultChannel.class)
                    && reader.thread().getState() == Thread.State.TIMED_WAITING)) {
                assertTrue(reader.thread().isAlive(), "the read ended without being seen parked in its delay");
                Thread.onSpinWait();
            }
            assertEquals(3, reader.result());
            assertArrayEquals(new byte[] {1, 2, 3}, got.array());
        }
    }

    /** Delays change no byte: a MiB each way, by writeAll and readAll, over a delayed tcp pair. */
    @Test
    void delayedTransfersAreByteExact() throws Exception {
        byte[] data = new byte[1 << 20];
        new java.util.Random(5).nextBytes(data);
        try (IoListener l = IoChannels.listen("fault+tcp://127.0.0.1:0?delay=2&split=50&seed=9");
                IoChannel client = IoChannels.open(l.localUri() + "?delay=2&split=50&seed=10");
                IoChannel server = l.accept()) {
            var reader = Background.start("reader", () -> {
                ByteBuffer got = ByteBuffer.allocate(data.length);
                server.readAll(got);
                return got.array();
            });
            client.writeAll(ByteBuffer.wrap(data));
            assertArrayEquals(data, reader.result());
        }
    }

    /** Non-blocking calls are never delayed: an empty read returns ERR_BLOCK at once, whatever the delay. */
    @Test
    void nonBlockingCallsAreNotDelayed() throws Exception {
        String name = "fault-delay-" + NAMES.incrementAndGet();
        try (IoListener l = IoChannels.listen("mem://" + name);
                IoChannel delayed = IoChannels.open("fault+mem://" + name + "?delay=1000");
                IoChannel plain = l.accept()) {
            delayed.setBlocking(false);
            for (int i = 0; i < 20; i++) {
                assertEquals(IoChannel.ERR_BLOCK, delayed.read(ByteBuffer.allocate(1)));
            }
            plain.writeAll(ByteBuffer.wrap(new byte[] {9}));
            assertTrue(plain.isOpen());
        }
    }

    @Test
    void theDelayIsBoundedAndChecked() {
        for (String bad : List.of("delay=-1", "delay=1001", "delay=x", "delay=")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> IoChannels.open("fault+mem://nobody?" + bad));
            assertTrue(e.getMessage().contains("option 'delay'"), e.getMessage());
        }
    }
}
