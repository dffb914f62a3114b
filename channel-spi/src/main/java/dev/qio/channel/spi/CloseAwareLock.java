package dev.qio.channel.spi;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A mutual-exclusion lock that a closing thread may take, or give up on, without deadlocking
 * against the thread it means to wake.
 *
 * <p>Holders come in two kinds. A <em>caller</em> ({@link #lockAsCaller()}) is an application
 * thread in a read, write or similar call: while it holds the lock it may block in an inner
 * channel until more room or data arrives, or until a close wakes it. Any other holder
 * ({@link #lock()}, {@link #tryLock()}: a background flusher, a poll, a handshake step) holds the
 * lock only for a bounded, non-blocking push.
 *
 * <h2>Invariant</h2>
 * {@link #lockForClose()} returns, for every interleaving: with the lock held once no other thread
 * holds it, or with {@code false} as soon as a caller holds it. It never waits for a caller, which
 * may be waiting for this very close, and it never misses the release of another holder: it
 * announces itself ({@code closeWaiting}) before it tries the lock, and every release and every
 * caller's acquisition after that announcement signals it.
 *
 * <p>The lock is reentrant for its holder, as {@link ReentrantLock}. Nothing here is interruptible:
 * close must work from an interrupted thread too.
 */
public final class CloseAwareLock {
    private final ReentrantLock lock = new ReentrantLock();
    /** Whether a caller holds {@link #lock}; written only by that caller while it holds the lock. */
    private volatile boolean callerHolds;
    /** Guards the closer's wait; taken by holders only while {@link #closeWaiting}. */
    private final ReentrantLock closeWait = new ReentrantLock();
    /** Signalled (wakes the closer) when {@link #lock} is released, or taken by a caller, while a close waits. */
    private final Condition changed = closeWait.newCondition();
    /** Whether a closer waits in {@link #lockForClose()}. */
    private volatile boolean closeWaiting;

    /** Takes the lock for a bounded, non-blocking piece of work; a close waits for it. */
    public void lock() {
        lock.lock();
    }

    /** Takes the lock if it is free, for a bounded, non-blocking piece of work. */
    public boolean tryLock() {
        return lock.tryLock();
    }

    /** Releases a hold taken with {@link #lock()}, {@link #tryLock()} or {@link #lockForClose()}. */
    public void unlock() {
        lock.unlock();
        signalCloser();
    }

    /** Takes the lock for a caller, which may block while holding it; a waiting close gives up. */
    public void lockAsCaller() {
        lock.lock();
        callerHolds = true;
        signalCloser();
    }

    /** Releases a hold taken with {@link #lockAsCaller()}. */
    public void unlockAsCaller() {
        callerHolds = false;
        unlock();
    }

    /**
     * Takes the lock for a close: waits while a non-caller holds it, gives up when a caller does.
     *
     * @return whether the lock is now held (release it with {@link #unlock()})
     */
    public boolean lockForClose() {
        closeWait.lock();
        try {
            closeWaiting = true; // before tryLock: a holder releasing after it fails sees the flag and signals
            while (!lock.tryLock()) {
                if (callerHolds) {
                    return false;
                }
                changed.awaitUninterruptibly();
            }
            return true;
        } finally {
            closeWaiting = false;
            closeWait.unlock();
        }
    }

    /** Whether the current thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    private void signalCloser() {
        if (closeWaiting) { // a volatile read: holders take no second lock unless a close waits
            closeWait.lock();
            try {
                changed.signal();
            } finally {
                closeWait.unlock();
            }
        }
    }
}
