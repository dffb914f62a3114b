package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking calls wake for interrupts; readiness reports the child's end of output. */
@Timeout(30)
class BlockingTest {

    @Test
    void anInterruptWakesABlockedReaderAndTheChannelStaysOpen() throws Exception {
        try (IoChannel ch = IoChannels.open("command:cat")) {
            var read = Background.start("blocked-reader", () -> ch.read(ByteBuffer.allocate(4)));
            read.awaitBlockedIn(AbstractIoChannel.class);
            read.thread().interrupt();
            assertInstanceOf(InterruptedIOException.class, read.failure());
            assertTrue(ch.isOpen());
            ch.writeAll(TestIo.ascii("still"));
            TestSupport.expect(ch, "still");
        }
    }

    @Test
    void hupAndInHoldOnceTheChildsOutputEnded() throws Exception {
        try (IoChannel ch = IoChannels.open("command:printf?arg=bye&mode=r");
                EventLoop loop = EventLoop.create("hup-test")) {
            CompletableFuture<Set<IoCondition>> seen = new CompletableFuture<>();
            CountDownLatch done = new CountDownLatch(1);
            ch.addWatch(
                    EnumSet.of(IoCondition.HUP),
                    (c, ready) -> {
                        seen.complete(Set.copyOf(ready));
                        done.countDown();
                        return false;
                    },
                    loop);
            done.await();
            assertEquals(Set.of(IoCondition.HUP), seen.get());
            ch.setBlocking(false);
            ch.await(IoCondition.IN); // holds: the buffered "bye", then EOF
            assertEquals("bye", TestSupport.readString(ch));
        }
    }
}
