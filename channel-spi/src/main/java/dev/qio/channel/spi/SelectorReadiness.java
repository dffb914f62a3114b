package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@link Readiness} of a non-blocking {@code java.nio} {@link SelectableChannel}, fed by one shared
 * selector thread (the poller).
 *
 * <p>It tracks readiness as the kernel reports it, edge style: a condition is known to hold once
 * the poller saw it, and stops holding when the provider tells {@link #blocked(IoCondition)} that
 * an operation found nothing to do (EAGAIN). While a subscriber wants a condition that is not known
 * to hold, the channel is registered with the poller for it; when it fires, the interest is dropped
 * (one shot, so a ready socket nobody reads does not spin the poller) and the subscribers are
 * signalled. The effect for watches and {@code await} is QEMU's level-triggered fd source.
 *
 * <p>Sticky conditions ({@link #hold}) record what will not change any more: end of stream
 * ({@code IN}, {@code HUP}) or a failed write ({@code OUT}, {@code ERR}).
 *
 * <p>The channel must stay in non-blocking mode; blocking operations are built on top by the
 * provider (try, then {@code await}), so a blocked virtual thread parks instead of pinning.
 *
 * <h2>Platform threads wait directly</h2>
 * A virtual thread that waits for {@code IN} or {@code OUT} parks and the poller wakes it, so it
 * holds no carrier. A platform thread holds its own thread either way, and the poller would only add
 * a hop (the poller wakes up, then wakes the waiter): on a 1-byte round trip over loopback that hop
 * made qio three times slower than a blocking {@code SocketChannel}. So a platform thread waits in
 * {@code epoll_wait} itself, on a {@link Selector} of this channel's own for that direction, and
 * the kernel wakes it as it wakes a blocking read. Each direction's selector is opened the first
 * time a platform thread waits in it (two descriptors, the epoll instance and its wake-up eventfd)
 * and closed by {@link #channelClosed()}; channels only virtual threads wait on never open one.
 */
public final class SelectorReadiness implements Readiness {
    private static final int IN = 1;
    private static final int OUT = 2;

    private final SelectableChannel channel;
    /** IN/OUT bits the poller saw and no EAGAIN has cleared since. */
    private volatile int known;
    /** {@link ConditionMask} bits that hold for good (EOF, failed writes). Written under {@code this}. */
    private volatile int sticky;
    /** Who to call when the conditions may have changed, with what each wants armed. */
    private final Subscribers subscribers = new Subscribers();
    /** Where platform threads wait for IN; opened on first use under {@code this}. */
    private volatile DirectWait directIn;
    /** Where platform threads wait for OUT; opened on first use under {@code this}. */
    private volatile DirectWait directOut;
    /** Set once by {@link #channelClosed()} under {@code this}: no direct wait may start or continue. */
    private volatile boolean directClosed;

    /** What a direct select does with a ready key: nothing; the count it returns is enough. */
    private static final Consumer<SelectionKey> IGNORE = key -> {};

    /**
     * Tracks the readiness of {@code channel} through the shared poller.
     *
     * @param channel a channel in non-blocking mode; the poller registers it on demand
     */
    public SelectorReadiness(SelectableChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

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
        return ConditionMask.set(mask); // shared sets: polling allocates nothing
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        int bits = bits(interest);
        Registration registration = subscribers.add(bits, listener);
        arm(bits & ~known);
        return registration;
    }

    /**
     * Tells the readiness that an operation found nothing to do, so {@code condition} no longer
     * holds; re-arms the poller if someone waits for it. Call it on every EAGAIN.
     */
    public void blocked(IoCondition condition) {
        int bit = condition == IoCondition.IN ? IN : condition == IoCondition.OUT ? OUT : 0; // no set per EAGAIN
        if ((known & bit) != 0) {
            synchronized (this) {
                known &= ~bit;
            }
        }
        if ((subscribers.wanted() & bit) != 0) {
            arm(bit);
        }
    }

    /** Records conditions that hold for good from now on, and signals the subscribers. */
    public void hold(IoCondition... conditions) {
        synchronized (this) {
            int next = sticky;
            for (IoCondition c : conditions) {
                next |= 1 << c.ordinal();
            }
            sticky = next;
        }
        fire();
    }

    /**
     * Call after closing the channel: ends direct waits (their threads get
     * {@link ClosedChannelException}) and closes their selectors, wakes the subscribers, and wakes
     * the poller, whose next select releases the closed channel's registration (and with it the
     * descriptor).
     */
    public void channelClosed() {
        DirectWait in;
        DirectWait out;
        synchronized (this) {
            directClosed = true;
            in = directIn;
            out = directOut;
        }
        close(in);
        close(out);
        fire();
        Poller.INSTANCE.selector.wakeup(); // wakes the poller so it deregisters the closed channel
    }

    /** Wakes every subscriber so they re-poll, and every platform thread waiting directly. */
    public void fire() {
        subscribers.fire();
        wake(directIn);
        wake(directOut);
    }

    /**
     * A platform thread waiting for {@code IN} or {@code OUT} waits in a select of its own
     * ({@link #awaitDirect}); virtual threads park on the poller instead, so this returns false.
     */
    @Override
    public boolean awaitDirectly(IoCondition condition, BooleanSupplier open, String name) throws IOException {
        if ((condition != IoCondition.IN && condition != IoCondition.OUT)
                || Thread.currentThread().isVirtual()) {
            return false;
        }
        awaitDirect(condition, open, name);
        return true;
    }

    /**
     * Blocks the calling platform thread in a select of its own until {@code condition} holds
     * ({@link Waiter#holds}); see the class description. Wakes for the kernel's report, for
     * {@link #hold} and {@link #fire}, for an interrupt and for {@link #channelClosed()}. Allocates
     * nothing once the direction's selector exists.
     *
     * @param condition {@code IN} or {@code OUT} (see {@link #awaitDirectly})
     * @param open whether the waited-on object is still open; checked after every wake-up
     * @param name the waited-on object's name, for messages
     * @throws ClosedChannelException if the object is closed, or closes while waiting
     * @throws InterruptedIOException if the thread is interrupted; its interrupt status stays set
     * @throws IOException if the selector cannot be opened or fails
     */
    void awaitDirect(IoCondition condition, BooleanSupplier open, String name) throws IOException {
        int bit = condition == IoCondition.IN ? IN : OUT;
        DirectWait w = direct(bit, name);
        Thread me = Thread.currentThread();
        w.waiting = true; // before the checks below, so a hold() or fire() after them wakes the select
        try {
            while (true) {
                if (directClosed || !open.getAsBoolean()) {
                    throw new ClosedException(name);
                }
                if (Waiter.holds(this, condition)) {
                    return;
                }
                if (me.isInterrupted()) {
                    throw new InterruptedIOException(name + ": interrupted while waiting for " + condition);
                }
                try {
                    if (w.selector.select(IGNORE) > 0) {
                        synchronized (this) {
                            known |= bit; // the next poll says so; an EAGAIN clears it again
                        }
                    }
                } catch (ClosedSelectorException e) {
                    throw new ClosedException(name); // channelClosed() closed it under us
                }
            }
        } finally {
            w.waiting = false;
        }
    }

    /** The direction's selector, opened and registered on first use. */
    private DirectWait direct(int bit, String name) throws IOException {
        DirectWait w = bit == IN ? directIn : directOut;
        if (w != null) {
            return w;
        }
        synchronized (this) {
            w = bit == IN ? directIn : directOut;
            if (w != null) {
                return w;
            }
            if (directClosed) {
                throw new ClosedException(name);
            }
            Selector selector = Selector.open();
            try {
                channel.register(selector, ops(bit, channel.validOps()));
            } catch (ClosedChannelException e) {
                selector.close();
                throw new ClosedException(name);
            } catch (IOException | RuntimeException e) {
                selector.close();
                throw e;
            }
            w = new DirectWait(selector);
            if (bit == IN) {
                directIn = w;
            } else {
                directOut = w;
            }
            return w;
        }
    }

    private static void wake(DirectWait w) {
        if (w != null && w.waiting) {
            w.selector.wakeup(); // a wake-up before the select makes it return at once
        }
    }

    /** Closes a direction's selector: a thread in its select returns at once, and its key goes. */
    private static void close(DirectWait w) {
        if (w != null) {
            try {
                w.selector.close();
            } catch (IOException ignored) {
                // releasing an epoll instance does not fail in a way anyone could act on
            }
        }
    }

    /** The interest ops of {@code channel} for IN/OUT bits. */
    private static int ops(int bits, int valid) {
        int ops = 0;
        if ((bits & IN) != 0) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((bits & OUT) != 0) {
            ops |= valid & SelectionKey.OP_WRITE;
        }
        return ops;
    }

    /** One direction's own selector, with the channel registered for that direction for good. */
    private static final class DirectWait {
        final Selector selector;
        /** Whether a thread is in {@link #awaitDirect}, so {@link #fire} knows to wake the select. */
        volatile boolean waiting;

        DirectWait(Selector selector) {
            this.selector = selector;
        }
    }

    private void arm(int bits) {
        if (bits != 0 && channel.isOpen()) {
            Poller.INSTANCE.arm(this, bits);
        }
    }

    /** Called on the poller thread with the bits that fired. */
    void ready(int bits) {
        synchronized (this) {
            known |= bits;
        }
        fire();
    }

    private static int bits(Set<IoCondition> conditions) {
        int b = 0;
        if (conditions.contains(IoCondition.IN)) {
            b |= IN;
        }
        if (conditions.contains(IoCondition.OUT)) {
            b |= OUT;
        }
        return b;
    }

    /** The one selector thread every {@link SelectorReadiness} shares. */
    private static final class Poller implements Runnable {
        static final Poller INSTANCE = new Poller();

        private final Selector selector;
        /** Arm requests, applied on the poller thread so registration never races select(). */
        private final ConcurrentLinkedQueue<Arm> requests = new ConcurrentLinkedQueue<>();

        /** A request to watch {@code bits} of one channel. */
        private record Arm(SelectorReadiness readiness, int bits) {}

        private Poller() {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the qio poller's selector", e);
            }
            Thread.ofPlatform().name("qio-poller").daemon(true).start(this);
        }

        void arm(SelectorReadiness r, int bits) {
            requests.add(new Arm(r, bits));
            selector.wakeup(); // wakes the poller thread so it applies the request
        }

        @Override
        public void run() {
            while (true) {
                try {
                    applyRequests();
                    selector.select(this::dispatch);
                } catch (IOException | RuntimeException e) {
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        }

        private void applyRequests() {
            Arm req;
            while ((req = requests.poll()) != null) {
                SelectableChannel ch = req.readiness().channel;
                int ops = ops(req.bits(), ch.validOps());
                try {
                    SelectionKey key = ch.keyFor(selector);
                    if (key == null) {
                        ch.register(selector, ops, req.readiness());
                    } else {
                        key.interestOps(key.interestOps() | ops);
                    }
                } catch (ClosedChannelException | CancelledKeyException e) {
                    req.readiness().fire(); // closed meanwhile: let the waiters see it
                }
            }
        }

        private void dispatch(SelectionKey key) {
            SelectorReadiness r = (SelectorReadiness) key.attachment();
            int ready;
            try {
                ready = key.readyOps();
                key.interestOps(key.interestOps() & ~ready); // one shot: re-armed by blocked()
            } catch (CancelledKeyException e) {
                r.fire();
                return;
            }
            int bits = 0;
            if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                bits |= IN;
            }
            if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                bits |= OUT;
            }
            r.ready(bits);
        }
    }
}
