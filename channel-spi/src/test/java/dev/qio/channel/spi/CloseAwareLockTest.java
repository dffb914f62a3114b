package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CloseAwareLock}'s invariant: a close never waits for a caller, always waits out any other
 * holder, and never misses a release (a missed one would hang the test until its timeout).
 */
@Timeout(60)
class CloseAwareLockTest {
    private final CloseAwareLock lock = new CloseAwareLock();

    /** Holds the lock on its own thread, as a caller or not, until {@code release} opens. */
    private Background<Void> holder(boolean caller, CountDownLatch holding, CountDownLatch release) {
        return Background.start(caller ? "caller" : "flusher", () -> {
            if (caller) {
                lock.lockAsCaller();
            } else {
                lock.lock();
            }
            try {
                holding.countDown();
                release.await();
            } finally {
                if (caller) {
                    lock.unlockAsCaller();
                } else {
                    lock.unlock();
                }
            }
            return null;
        });
    }

    /** Closes on its own thread: whether it got the lock, releasing it if so. */
    private Background<Boolean> closer() {
        return Background.start("closer", () -> {
            boolean held = lock.lockForClose();
            if (held) {
                assertTrue(lock.isHeldByCurrentThread());
                lock.unlock();
            }
            return held;
        });
    }

    @Test
    void closeGivesUpAtOnceWhileACallerHoldsTheLock() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Background<Void> caller = holder(true, holding, release);
        holding.await();
        assertFalse(lock.lockForClose());
        assertFalse(lock.isHeldByCurrentThread());
        release.countDown();
        caller.result();
    }

    @Test
    void closeWaitsForAnotherHolderAndThenHoldsTheLock() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Background<Void> flusher = holder(false, holding, release);
        holding.await();
        Background<Boolean> closer = closer();
        closer.awaitParkedIn(CloseAwareLock.class); // waiting for the flusher, not given up
        release.countDown();
        assertTrue(closer.result());
        flusher.result();
    }

    @Test
    void closeWaitingForAnotherHolderStopsWaitingWhenACallerTakesOver() throws Exception {
        CountDownLatch flusherHolding = new CountDownLatch(1);
        CountDownLatch flusherRelease = new CountDownLatch(1);
        Background<Void> flusher = holder(false, flusherHolding, flusherRelease);
        flusherHolding.await();
        Background<Boolean> closer = closer();
        closer.awaitParkedIn(CloseAwareLock.class);
        CountDownLatch callerHolding = new CountDownLatch(1);
        CountDownLatch callerRelease = new CountDownLatch(1);
        Background<Void> caller = holder(true, callerHolding, callerRelease);
        caller.awaitParkedIn(CloseAwareLock.class); // queued behind the flusher
        flusherRelease.countDown();
        // Whoever wins the released lock, the closer returns without the caller letting go: at
        // once with false if the caller won, or with true after its own short hold if it won.
        boolean closerHeld = closer.result();
        callerHolding.await();
        callerRelease.countDown();
        caller.result();
        flusher.result();
        if (!closerHeld) {
            assertTrue(lock.tryLock()); // nothing left held
            lock.unlock();
        }
    }

    @Test
    void holdersExcludeEachOtherAndEveryCloseReturns() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int rounds = 2_000;
        List<Background<Integer>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int kind = t;
            threads.add(Background.start("kind-" + kind, () -> {
                int closesHeld = 0;
                for (int i = 0; i < rounds; i++) {
                    boolean held;
                    switch (kind) {
                        case 0 -> {
                            lock.lockAsCaller();
                            held = true;
                        }
                        case 1 -> {
                            lock.lock();
                            held = true;
                        }
                        case 2 -> held = lock.tryLock();
                        default -> held = lock.lockForClose();
                    }
                    if (!held) {
                        continue;
                    }
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    inside.decrementAndGet();
                    if (kind == 0) {
                        lock.unlockAsCaller();
                    } else {
                        lock.unlock();
                    }
                    if (kind == 3) {
                        closesHeld++;
                    }
                }
                return closesHeld;
            }));
        }
        for (Background<Integer> b : threads) {
            b.result();
        }
        assertEquals(0, overlaps.get());
        assertTrue(lock.tryLock(), "every hold was released");
        lock.unlock();
    }
}
