package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.ClosedException;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.Subscribers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An owned, non-blocking Linux descriptor with its {@link Readiness}: the one object the native
 * backend keeps per socket (or pipe) besides the channel.
 *
 * <h2>Lifetime</h2>
 * Every system call on the descriptor runs between {@link #acquire} and {@link #release}, and
 * {@link #close()} closes the number only once no call is in flight. So a number is never used
 * after another thread closed it and the kernel handed it to a new file. {@code close()} first
 * wakes every waiting thread, then waits for the calls in flight (which never block: the
 * descriptor is non-blocking) to return.
 *
 * <h2>Waiting</h2>
 * Readiness is tracked edge style, as {@code SelectorReadiness} does for {@code java.nio}: a
 * direction is known ready once the kernel said so, and stops being when an operation meets
 * EAGAIN ({@link #blocked}). A thread that must wait does it itself ({@link #awaitDirectly}):
 * <ul>
 *   <li>a virtual thread arms the descriptor one-shot in the direction's epoll instance
 *       ({@code epoll_ctl} on its own thread, no request to a poller thread) and parks; the
 *       poller's dispatcher ({@link Epoll}) only unparks it. No call that can block runs on the virtual
 *       thread, so its carrier is never pinned;
 *   <li>a platform thread waits in {@code poll(2)} on the descriptor and on an eventfd taken
 *       from a pool for the wait ({@link PlatformWaker}), so the kernel wakes it directly, with
 *       no thread hop; close, {@link #hold} and interrupts write the eventfd.
 * </ul>
 * One thread per direction waits that way; a second one (a user's {@code await} beside a blocked
 * read) gets {@code false} and falls back to subscribing, which the poller serves as well.
 *
 * <p>The class runs past 400 lines because the lifetime and the waits share one invariant: the
 * {@code CLOSING} bit and the waiter slots decide together whether a thread may still enter the
 * kernel or wait, and whom {@code close()} must wake; split apart, that invariant would be spread
 * over classes that each see half of it.
 */
public final class PolledFd implements Readiness {
    private static final int IN = 1;
    private static final int OUT = 2;
    /** The error queue ({@code EPOLLERR}): what a zero-copy flush waits for. */
    private static final int ERR = 4;

    private static final int CLOSING = 1 << 30;
    private static final int COUNT = CLOSING - 1;

    private static final VarHandle USES;
    private static final VarHandle KNOWN;
    private static final VarHandle IN_WAITER;
    private static final VarHandle OUT_WAITER;
    private static final VarHandle ERR_WAITER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            USES = l.findVarHandle(PolledFd.class, "uses", int.class);
            KNOWN = l.findVarHandle(PolledFd.class, "known", int.class);
            IN_WAITER = l.findVarHandle(PolledFd.class, "inWaiter", Object.class);
            OUT_WAITER = l.findVarHandle(PolledFd.class, "outWaiter", Object.class);
            ERR_WAITER = l.findVarHandle(PolledFd.class, "errWaiter", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    /** Calls in flight (low bits) and the CLOSING bit; changed by CAS only. */
    private volatile int uses;
    /** IN/OUT bits the kernel reported and no EAGAIN has cleared since; changed atomically. */
    private volatile int known;
    /** {@link ConditionMask} bits that hold for good (end of stream, a failed write). Under {@code this}. */
    private volatile int sticky;
    /** Who to call when the conditions may have changed, with what each wants armed; null until the first (set under {@code this}). */
    private volatile Subscribers subscribers;
    /** The thread waiting directly for IN: a virtual {@link Thread} or a {@link PlatformWaker}. */
    private volatile Object inWaiter;
    /** The thread waiting directly for OUT, as {@code inWaiter}. */
    private volatile Object outWaiter;
    /** The thread waiting directly for ERR (a zero-copy flush), as {@code inWaiter}. */
    private volatile Object errWaiter;
    /** Which epoll instances hold a registration of {@code fd} (IN/OUT bits). Under {@code this}. */
    private int registered;
    /** The thread in {@link #close()}, which the last call in flight unparks. */
    private volatile Thread closer;
    /** Whether the kernel's hang-up on the read side holds for good (a pipe's every writer closed). */
    private final boolean hangUpHolds;

    /**
     * Takes ownership of {@code fd}, which must be in non-blocking mode ({@code O_NONBLOCK}).
     *
     * @throws IllegalStateException if the native backend is not available ({@link Linux})
     */
    public PolledFd(int fd) {
        this(fd, false);
    }

    /**
     * As {@link #PolledFd(int)}; with {@code hangUpHolds}, an EPOLLHUP the poller sees is recorded
     * as {@code HUP} for good, as a pipe's is (every writer, or the reader, closed).
     */
    PolledFd(int fd, boolean hangUpHolds) {
        this.hangUpHolds = hangUpHolds;
        if (!Linux.isAvailable()) {
            throw new IllegalStateException("the native backend is not available: "
                    + Linux.unavailableReason().orElseThrow());
        }
        if (fd < 0) {
            throw new IllegalArgumentException("not a descriptor: " + fd);
        }
        this.fd = fd;
    }

    // ---- lifetime ---------------------------------------------------------------------------

    /**
     * Marks a system call on the descriptor as in flight; pair with {@link #release()} in a
     * {@code finally}.
     *
     * @return the descriptor number, valid until {@code release()}
     * @throws ClosedException if {@link #close()} has started
     */
    public int acquire(String name) throws ClosedException {
        while (true) {
            int u = uses;
            if ((u & CLOSING) != 0) {
                throw new ClosedException(name);
            }
            if (USES.compareAndSet(this, u, u + 1)) {
                return fd;
            }
        }
    }

    /** Ends what {@link #acquire} started. */
    public void release() {
        int u = (int) USES.getAndAdd(this, -1) - 1;
        if (u == CLOSING) {
            LockSupport.unpark(closer); // the last call in flight lets close() close the number
        }
    }

    /** Whether {@link #close()} has started. */
    public boolean isClosing() {
        return (uses & CLOSING) != 0;
    }

    /**
     * Closes the descriptor: refuses new calls, wakes every waiting thread and subscriber, waits
     * for the calls in flight to return, removes the epoll registrations and closes the number.
     * Idempotent; a second caller returns at once.
     *
     * @return 0, or the errno of {@code close(2)}
     */
    public int close() {
        return close(null);
    }

    /**
     * {@link #close()}, running {@code wakeKernelWaiters} once new calls are refused and before
     * waiting for those in flight: how a transport ends calls that wait inside the kernel, which
     * no wake-up of this class reaches (a blocking {@code recv}).
     *
     * @param wakeKernelWaiters may be null
     * @return 0, or the errno of {@code close(2)}
     */
    public int close(Runnable wakeKernelWaiters) {
        Thread me = Thread.currentThread();
        closer = me;
        int u;
        do {
            u = uses;
            if ((u & CLOSING) != 0) {
                return 0;
            }
        } while (!USES.compareAndSet(this, u, u | CLOSING));
        wake(inWaiter);
        wake(outWaiter);
        wake(errWaiter);
        fire();
        if (wakeKernelWaiters != null) {
            wakeKernelWaiters.run();
        }
        boolean interrupted = false;
        while ((uses & COUNT) != 0) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // a pending interrupt would make park return at once
        }
        if (interrupted) {
            me.interrupt();
        }
        synchronized (this) {
            if ((registered & IN) != 0) {
                ctl(Epoll.IN.epfd, Sys.EPOLL_CTL_DEL, 0);
            }
            if ((registered & OUT) != 0) {
                ctl(Epoll.OUT.epfd, Sys.EPOLL_CTL_DEL, 0);
            }
            if ((registered & ERR) != 0) {
                ctl(Epoll.Err.POLLER.epfd, Sys.EPOLL_CTL_DEL, 0);
            }
            registered = 0;
            Epoll.unregister(fd, this);
        }
        return Sys.close(fd);
    }

    // ---- readiness --------------------------------------------------------------------------

    @Override
    public Set<IoCondition> poll() {
        int k = known;
        int mask = sticky;
        if ((k & IN) != 0) {
            mask |= ConditionMask.IN;
        }
        if ((k & OUT) != 0) {
            mask |= ConditionMask.OUT;
        }
        return ConditionMask.set(mask);
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        int bits = (interest.contains(IoCondition.IN) ? IN : 0) | (interest.contains(IoCondition.OUT) ? OUT : 0);
        Subscribers all = subscribers;
        if (all == null) {
            synchronized (this) {
                all = subscribers;
                if (all == null) {
                    subscribers = all = new Subscribers();
                }
            }
        }
        Registration registration = all.add(bits, listener);
        int missing = bits & ~known;
        if ((missing & IN) != 0) {
            arm(Epoll.IN);
        }
        if ((missing & OUT) != 0) {
            arm(Epoll.OUT);
        }
        return registration;
    }

    /**
     * An operation met EAGAIN: {@code condition} ({@code IN} or {@code OUT}) no longer holds.
     * Re-arms the poller if a subscriber wants it. Call it on every EAGAIN; it allocates nothing.
     */
    public void blocked(IoCondition condition) {
        int bit = condition == IoCondition.IN
                ? IN
                : condition == IoCondition.OUT ? OUT : condition == IoCondition.ERR ? ERR : 0;
        if ((known & bit) != 0) {
            KNOWN.getAndBitwiseAnd(this, ~bit);
        }
        Subscribers all = subscribers;
        if (all != null && (all.wanted() & bit) != 0) {
            arm(bit == IN ? Epoll.IN : Epoll.OUT);
        }
    }

    /** Records conditions that hold for good from now on; wakes waiters and subscribers. */
    public void hold(IoCondition... conditions) {
        synchronized (this) {
            int next = sticky;
            for (IoCondition c : conditions) {
                next |= 1 << c.ordinal();
            }
            sticky = next;
        }
        wake(inWaiter);
        wake(outWaiter);
        wake(errWaiter);
        fire();
    }

    /** Wakes every subscriber so that it polls again. */
    public void fire() {
        Subscribers all = subscribers;
        if (all != null) {
            all.fire();
        }
    }

    @Override
    public boolean awaitDirectly(IoCondition condition, BooleanSupplier open, String name) throws IOException {
        return (condition == IoCondition.IN || condition == IoCondition.OUT) && await(condition, open, name, 0) != 1;
    }

    /**
     * {@link #awaitDirectly} with a deadline, for waits that give up (a connect timeout); also
     * waits for {@code ERR} (the error queue, {@code EPOLLERR}), which only {@link ZeroCopySends} does.
     *
     * @param deadline a {@link System#nanoTime()} value, or 0 for none
     * @return 0 when the condition holds, 1 if another thread already waits directly for it (the
     *     caller must wait another way), 2 when the deadline passed
     */
    int await(IoCondition condition, BooleanSupplier open, String name, long deadline) throws IOException {
        boolean in = condition == IoCondition.IN;
        boolean err = condition == IoCondition.ERR;
        VarHandle slot = err ? ERR_WAITER : in ? IN_WAITER : OUT_WAITER;
        Thread me = Thread.currentThread();
        boolean virtual = me.isVirtual();
        Object token = virtual ? me : PlatformWaker.take();
        if (!slot.compareAndSet(this, null, token)) {
            if (!virtual) {
                ((PlatformWaker) token).give();
            }
            return 1;
        }
        int bit = err ? ERR : in ? IN : OUT;
        int stickyBit = err ? 0 : in ? ConditionMask.IN : ConditionMask.OUT;
        try {
            while (true) {
                if (isClosing() || !open.getAsBoolean()) {
                    throw new ClosedException(name);
                }
                if ((known & bit) != 0 || (sticky & (stickyBit | ConditionMask.NVAL)) != 0) {
                    return 0;
                }
                if (me.isInterrupted()) {
                    throw new InterruptedIOException(name + ": interrupted while waiting for " + condition);
                }
                long left = deadline == 0 ? 0 : deadline - System.nanoTime();
                if (deadline != 0 && left <= 0) {
                    return 2;
                }
                if (virtual) {
                    arm(err ? Epoll.Err.POLLER : in ? Epoll.IN : Epoll.OUT);
                    if (deadline == 0) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, left);
                    }
                } else {
                    int n = acquire(name);
                    int revents;
                    int millis = deadline == 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, left / 1_000_000));
                    try {
                        revents =
                                ((PlatformWaker) token).await(n, err ? 0 : in ? Sys.POLLIN : Sys.POLLOUT, millis, name);
                    } finally {
                        release();
                    }
                    if (revents != 0) {
                        KNOWN.getAndBitwiseOr(this, bit); // readable, writable, hung up or failed: the op will say
                    }
                }
            }
        } finally {
            slot.compareAndSet(this, token, null);
            if (!virtual) {
                ((PlatformWaker) token).give();
            }
        }
    }

    /** From the poller thread: {@code direction} fired with epoll's {@code events}. */
    void fired(int direction, int events) {
        int bit = direction == 0 ? IN : direction == 1 ? OUT : ERR;
        KNOWN.getAndBitwiseOr(this, bit); // errors and hang-ups included: the next operation reports them
        if (hangUpHolds && (events & Sys.EPOLLHUP) != 0 && (sticky & ConditionMask.HUP) == 0) {
            synchronized (this) {
                sticky |= ConditionMask.HUP;
            }
        }
        wake(direction == 0 ? inWaiter : direction == 1 ? outWaiter : errWaiter);
        fire();
    }

    private static void wake(Object waiter) {
        if (waiter instanceof Thread t) {
            LockSupport.unpark(t);
        } else if (waiter instanceof PlatformWaker w) {
            w.wake();
        }
    }

    /** Arms one-shot interest in {@code poller}'s direction, from the calling thread. */
    private void arm(Epoll poller) {
        int bit = poller == Epoll.IN ? IN : poller == Epoll.OUT ? OUT : ERR;
        synchronized (this) {
            if (isClosing()) {
                return; // close() wakes everyone; the number may be gone
            }
            if (registered == 0) {
                Epoll.register(fd, this);
            }
            int op = (registered & bit) != 0 ? Sys.EPOLL_CTL_MOD : Sys.EPOLL_CTL_ADD;
            // On a failure our bookkeeping and the kernel's may disagree (EEXIST, ENOENT): the other
            // operation is then right. For any other failure it fails too, and the waiter sees why.
            boolean ok = ctl(poller.epfd, op, poller.events | Sys.EPOLLONESHOT)
                    || ctl(
                            poller.epfd,
                            op == Sys.EPOLL_CTL_ADD ? Sys.EPOLL_CTL_MOD : Sys.EPOLL_CTL_ADD,
                            poller.events | Sys.EPOLLONESHOT);
            if (ok) {
                registered |= bit;
            } else {
                KNOWN.getAndBitwiseOr(this, bit); // cannot watch it: let the waiter try and see the error
                wake(bit == IN ? inWaiter : bit == OUT ? outWaiter : errWaiter);
            }
        }
    }

    /** Under {@code this}, while the number is ours: one {@code epoll_ctl}; whether it succeeded. */
    private boolean ctl(int epfd, int op, int events) {
        MemorySegment t = FdScratch.table(fd);
        long event = FdScratch.at(fd) + FdScratch.EVENT;
        t.set(JAVA_INT_UNALIGNED, event, events);
        t.set(JAVA_LONG_UNALIGNED, event + Sys.EPOLL_DATA_OFFSET, fd);
        try {
            return (int) FdScratch.EPOLL_CTL.invokeExact(epfd, op, fd, t.address() + event) == 0;
        } catch (Throwable t2) {
            throw Sys.rethrow(t2);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (isClosing() ? " (closed)" : "");
    }
}
