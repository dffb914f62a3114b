package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Level-triggered watches ({@link AbstractIoChannel#addWatch}) on a private {@link EventLoop}.
 * The loop runs tasks in FIFO order, so once a marker task queued after a dispatch has run, that
 * dispatch has run too: {@link #settle()} repeats this a few rounds to let re-queued dispatches
 * drain, which makes exact call counts observable without sleeping.
 */
@Timeout(60)
class AbstractIoChannelWatchTest {
    private static final String NAME = "scripted://watched";

    private EventLoop loop;
    private ScriptedChannel ch;

    @BeforeEach
    void setUp() {
        loop = EventLoop.create("qio-watch-test");
        ch = new ScriptedChannel(NAME);
    }

    @AfterEach
    void tearDown() throws IOException {
        ch.close();
        loop.close();
    }

    /** Lets everything queued on the loop so far, and what it queues in turn, run. */
    private void settle() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            CountDownLatch marker = new CountDownLatch(1);
            loop.execute(marker::countDown);
            marker.await();
        }
    }

    @Test
    void firesOnceSoonWhenTheConditionAlreadyHolds() throws Exception {
        ch.readiness.set(IoCondition.IN);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch fired = new CountDownLatch(1);

        Watch w = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    calls.incrementAndGet();
                    fired.countDown();
                    return false;
                },
                loop);
        fired.await();
        settle();

        assertEquals(1, calls.get());
        assertFalse(w.isActive(), "returning false removed the watch");
    }

    @Test
    void callbackRunsOnTheLoopWithTheChannelAndTheWatchedConditionsThatHold() throws Exception {
        ch.readiness.set(IoCondition.IN, IoCondition.HUP);
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch fired = new CountDownLatch(1);

        ch.addWatch(
                Set.of(IoCondition.IN, IoCondition.OUT),
                (c, ready) -> {
                    seen.add(c);
                    seen.add(Set.copyOf(ready));
                    seen.add(loop.inEventLoop());
                    fired.countDown();
                    return false;
                },
                loop);
        fired.await();

        assertSame(ch, seen.get(0));
        assertEquals(Set.of(IoCondition.IN), seen.get(1), "ready holds only watched conditions");
        assertEquals(true, seen.get(2), "ran on the loop thread");
    }

    @Test
    void keptWatchRunsAgainWhileTheConditionHoldsUntilTheCallbackReturnsFalse() throws Exception {
        ch.readiness.set(IoCondition.IN);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch last = new CountDownLatch(1);

        Watch w = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    int n = calls.incrementAndGet();
                    if (n < 5) {
                        return true;
                    }
                    last.countDown();
                    return false;
                },
                loop);
        last.await();
        settle();

        assertEquals(5, calls.get());
        assertFalse(w.isActive());
    }

    @Test
    void keptWatchStopsRunningWhenTheConditionStopsHoldingAndFiresAgainOnSignal() throws Exception {
        ch.readiness.set(IoCondition.IN);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        CountDownLatch fourth = new CountDownLatch(1);

        Watch w = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    int n = calls.incrementAndGet();
                    if (n == 3) {
                        ch.readiness.set(); // drained: IN no longer holds
                        third.countDown();
                    }
                    if (n == 4) {
                        fourth.countDown();
                    }
                    return true;
                },
                loop);
        third.await();
        settle();

        assertEquals(3, calls.get(), "no run while the condition does not hold");
        assertTrue(w.isActive(), "the callback kept the watch");

        ch.readiness.signal(IoCondition.IN);
        fourth.await();
        w.close();
        settle();
        assertTrue(calls.get() >= 4);
    }

    @Test
    void doesNotFireWhileTheConditionDoesNotHoldAndFiresAfterASignal() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch fired = new CountDownLatch(1);

        Watch w = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    calls.incrementAndGet();
                    fired.countDown();
                    return false;
                },
                loop);
        settle();
        ch.readiness.signal(IoCondition.OUT); // not watched
        settle();
        assertEquals(0, calls.get());
        assertTrue(w.isActive());

        ch.readiness.signal(IoCondition.IN);
        fired.await();
        settle();

        assertEquals(1, calls.get());
    }

    @Test
    void closingTheWatchStopsItsCallback() throws Exception {
        ch.readiness.set(IoCondition.IN);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);

        Watch w = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    calls.incrementAndGet();
                    running.countDown();
                    return true; // keep running for as long as IN holds
                },
                loop);
        running.await();
        w.close();
        settle(); // a dispatch that was already under way may finish
        int afterClose = calls.get();
        settle();

        assertEquals(afterClose, calls.get(), "the callback kept running after Watch.close()");
        assertFalse(w.isActive());
        assertEquals(0, ch.readiness.subscribers(), "the watch unsubscribed");
    }

    /**
     * {@link Watch#close()} promises "After this returns, the callback does not start again", also
     * when a dispatch is already under way on the loop: close waits for it. The test stops the loop
     * inside the dispatch's poll ({@link ScriptedReadiness#trapNextPoll}), closes the watch on
     * another thread, checks that close is still waiting, then lets the loop go on.
     */
    @Test
    void callbackDoesNotStartAfterWatchCloseReturnsEvenIfADispatchWasUnderway() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Watch w = ch.addWatch(Set.of(IoCondition.IN), (c, ready) -> calls.incrementAndGet() > 0, loop);
        settle(); // the first dispatch found nothing to do
        CountDownLatch loopInPoll = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ch.readiness.trapNextPoll(loopInPoll, release);

        ch.readiness.signal(IoCondition.IN); // queues a dispatch, which stops in its poll
        loopInPoll.await();
        Thread closer = Thread.ofPlatform().start(w::close);
        while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
            Thread.yield(); // until close() waits for the dispatch under way
        }
        assertTrue(closer.isAlive(), "close() returned while a dispatch was under way");
        release.countDown();
        closer.join();
        settle();

        assertEquals(0, calls.get(), "the callback started after Watch.close() was called");
        assertFalse(w.isActive());
    }

    @Test
    void closeOfAWatchIsIdempotentAndWorksFromItsOwnCallback() throws Exception {
        ch.readiness.set(IoCondition.IN);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch fired = new CountDownLatch(1);
        Watch[] self = new Watch[1];
        CountDownLatch created = new CountDownLatch(1);

        self[0] = ch.addWatch(
                Set.of(IoCondition.IN),
                (c, ready) -> {
                    try {
                        created.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    calls.incrementAndGet();
                    self[0].close();
                    self[0].close();
                    fired.countDown();
                    return true;
                },
                loop);
        created.countDown();
        fired.await();
        settle();

        assertEquals(1, calls.get());
        assertFalse(self[0].isActive());
    }

    @Test
    void closingTheChannelEndsAllItsWatches() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Watch in = ch.addWatch(Set.of(IoCondition.IN), (c, r) -> calls.incrementAndGet() > 0, loop);
        Watch out = ch.addWatch(Set.of(IoCondition.OUT), (c, r) -> calls.incrementAndGet() > 0, loop);
        settle();

        ch.close();
        ch.readiness.signal(IoCondition.IN, IoCondition.OUT);
        settle();

        assertFalse(in.isActive());
        assertFalse(out.isActive());
        assertEquals(0, calls.get());
        assertEquals(0, ch.readiness.subscribers());
    }

    @Test
    void watchOnAClosedChannelIsInactiveAndNeverFires() throws Exception {
        ch.readiness.set(IoCondition.IN);
        ch.close();
        AtomicInteger calls = new AtomicInteger();

        Watch w = ch.addWatch(Set.of(IoCondition.IN), (c, r) -> calls.incrementAndGet() > 0, loop);
        settle();

        assertFalse(w.isActive());
        assertEquals(0, calls.get());
    }

    /** A loop that rejects the first dispatch ends the watch at once; addWatch does not throw. */
    @Test
    void watchOnAClosedLoopIsInactive() {
        EventLoop closed = EventLoop.create("qio-watch-test-closed");
        closed.close();
        ch.readiness.set(IoCondition.IN);

        Watch w = ch.addWatch(Set.of(IoCondition.IN), (c, r) -> true, closed);

        assertFalse(w.isActive());
    }

    @Test
    void watchNeedsAtLeastOneCondition() {
        assertThrows(IllegalArgumentException.class, () -> ch.addWatch(Set.of(), (c, r) -> true, loop));
    }

    @Test
    void watchWithoutALoopUsesTheSharedLoop() throws Exception {
        ch.readiness.set(IoCondition.OUT);
        List<Boolean> onShared = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch fired = new CountDownLatch(1);

        ch.addWatch(Set.of(IoCondition.OUT), (IoChannel c, Set<IoCondition> r) -> {
            onShared.add(EventLoop.shared().inEventLoop());
            fired.countDown();
            return false;
        });
        fired.await();

        assertEquals(List.of(true), onShared);
    }
}
