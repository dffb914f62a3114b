package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking calls wake for interrupts; readiness reports the child's end of output. */
@Timeout(30)
class BlockingTest {

    /** Spins until {@code t} is parked with a frame of {@code className}: the event "it blocked there". */
    private static void awaitParkedIn(Thread t, String className) {
        while (true) {
            if (t.getState() == Thread.State.WAITING) {
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().equals(className)) {
                        return;
                    }
                }
            }
            assertTrue(t.isAlive(), t.getName() + " ended before blocking in " + className);
            Thread.onSpinWait();
        }
    }

    @Test
    void anInterruptWakesABlockedReaderAndTheChannelStaysOpen() throws Exception {
        try (IoChannel ch = IoChannels.open("command:cat")) {
            FutureTask<Throwable> read = new FutureTask<>(() -> {
                try {
                    return new AssertionError("read returned " + ch.read(ByteBuffer.allocate(4)));
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread reader = Thread.ofPlatform().name("blocked-reader").start(read);
            awaitParkedIn(reader, ChildStdout.class.getName());
            reader.interrupt();
            assertInstanceOf(InterruptedIOException.class, read.get(10, TimeUnit.SECONDS));
            assertTrue(ch.isOpen());
            ch.writeAll(TestSupport.ascii("still"));
            TestSupport.expect(ch, "still");
        }
    }

    @Test
    void hupAndInHoldOnceTheChildsOutputEnded() throws Exception {
        try (IoChannel ch = IoChannels.open("command:printf?arg=bye&mode=r"); EventLoop loop = EventLoop.create("hup-test")) {
            CompletableFuture<Set<IoCondition>> seen = new CompletableFuture<>();
            CountDownLatch done = new CountDownLatch(1);
            ch.addWatch(EnumSet.of(IoCondition.HUP), (c, ready) -> {
                seen.complete(Set.copyOf(ready));
                done.countDown();
                return false;
            }, loop);
            done.await();
            assertEquals(Set.of(IoCondition.HUP), seen.get());
            ch.setBlocking(false);
            ch.await(IoCondition.IN); // holds: the buffered "bye", then EOF
            assertEquals("bye", TestSupport.readString(ch));
        }
    }
}
