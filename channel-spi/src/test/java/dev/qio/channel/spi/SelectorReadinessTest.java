package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SelectorReadiness} over a non-blocking {@link Pipe}, fed by the shared poller thread. */
@Timeout(60)
class SelectorReadinessTest {
    private Pipe pipe;
    private final List<SelectorReadiness> created = new ArrayList<>();

    /** A readiness that {@link #tearDown} tells about the close, so the poller lets go of the pipe. */
    private SelectorReadiness readiness(SelectableChannel channel) {
        SelectorReadiness r = new SelectorReadiness(channel);
        created.add(r);
        return r;
    }

    @BeforeEach
    void setUp() throws IOException {
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void tearDown() throws IOException {
        pipe.source().close();
        pipe.sink().close();
        created.forEach(SelectorReadiness::channelClosed);
    }

    @Test
    void nothingHoldsBeforeThePollerReportsIt() {
        assertEquals(Set.of(), readiness(pipe.source()).poll());
    }

    @Test
    void subscriberIsSignalledWhenDataArrivesAndInThenHolds() throws Exception {
        SelectorReadiness r = readiness(pipe.source());
        CountDownLatch signalled = new CountDownLatch(1);

        try (var _ = r.subscribe(Set.of(IoCondition.IN), signalled::countDown)) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            signalled.await();

            assertTrue(r.poll().contains(IoCondition.IN), "poll after the signal: " + r.poll());
        }
    }

    @Test
    void subscriberToOutIsSignalledWhileThereIsRoom() throws Exception {
        SelectorReadiness r = readiness(pipe.sink());
        CountDownLatch signalled = new CountDownLatch(1);

        try (var _ = r.subscribe(Set.of(IoCondition.OUT), signalled::countDown)) {
            signalled.await();

            assertTrue(r.poll().contains(IoCondition.OUT), "poll after the signal: " + r.poll());
        }
    }

    @Test
    void blockedClearsAConditionThePollerReported() throws Exception {
        SelectorReadiness r = readiness(pipe.source());
        CountDownLatch signalled = new CountDownLatch(1);
        Readiness.Registration reg = r.subscribe(Set.of(IoCondition.IN), signalled::countDown);
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        signalled.await();
        reg.close();
        pipe.source().read(ByteBuffer.allocate(1)); // drained: the next read would find nothing

        r.blocked(IoCondition.IN);

        assertEquals(Set.of(), r.poll());
    }

    @Test
    void heldConditionsStayAndSignalTheSubscribers() {
        SelectorReadiness r = readiness(pipe.source());
        AtomicInteger signals = new AtomicInteger();

        try (var _ = r.subscribe(Set.of(IoCondition.HUP), signals::incrementAndGet)) {
            r.hold(IoCondition.IN, IoCondition.HUP);

            assertEquals(1, signals.get(), "hold signals at once, on the calling thread");
            r.blocked(IoCondition.IN);
            assertEquals(Set.of(IoCondition.IN, IoCondition.HUP), r.poll(), "held conditions hold for good");
        }
    }

    @Test
    void closedRegistrationIsNoLongerSignalled() {
        SelectorReadiness r = readiness(pipe.source());
        AtomicInteger signals = new AtomicInteger();

        r.subscribe(Set.of(IoCondition.HUP), signals::incrementAndGet).close();
        r.hold(IoCondition.HUP);
        r.fire();

        assertEquals(0, signals.get());
    }
}
