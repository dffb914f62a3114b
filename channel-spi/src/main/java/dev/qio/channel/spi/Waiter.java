package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks the calling thread until a {@link Readiness} reports a condition. Parking (not a monitor)
 * means a virtual thread unmounts and frees its carrier while it waits.
 */
final class Waiter {
    private Waiter() {}

    /**
     * Whether a wait for {@code condition} is over. Only the condition itself or NVAL ends it: a
     * provider reports IN when a read would not block, including at EOF or when it would fail, and
     * OUT likewise for writes. Ending on HUP or ERR regardless of direction would make a
     * non-blocking write loop spin once the peer stops writing (HUP says nothing about writes).
     */
    static boolean holds(Readiness readiness, IoCondition condition) {
        Set<IoCondition> now = readiness.poll();
        return now.contains(condition) || now.contains(IoCondition.NVAL);
    }

    /**
     * Waits until {@code condition} (or a terminal condition) holds: in the readiness's own way
     * where it has one ({@link Readiness#awaitDirectly}); otherwise parked until it signals.
     *
     * @param state the waited-on object's state: whether it is still open (checked after every
     *     wake-up), and where to register the wake-up so that closing the object unparks us
     * @param name for messages
     * @throws ClosedChannelException if the object is closed before or while waiting
     * @throws InterruptedIOException if the thread is interrupted; its interrupt status stays set
     * @throws IOException if a direct wait cannot open its selector
     */
    static void await(Readiness readiness, IoCondition condition, OpenState state, String name) throws IOException {
        if (holds(readiness, condition)) {
            return;
        }
        if (readiness.awaitDirectly(condition, state, name)) {
            return; // the readiness's own close hook ends such a wait on close
        }
        Thread me = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(me); // wakes this waiter only
        state.addWakeup(wake);
        try (Readiness.Registration r = readiness.subscribe(EnumSet.of(condition), wake)) {
            while (true) {
                if (!state.isOpen()) {
                    throw new ClosedException(name);
                }
                if (holds(readiness, condition)) {
                    return;
                }
                if (me.isInterrupted()) {
                    throw new InterruptedIOException(name + ": interrupted while waiting for " + condition);
                }
                LockSupport.park(readiness);
            }
        } finally {
            state.removeWakeup(wake);
        }
    }
}
