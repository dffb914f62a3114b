package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The close of a layer's inner channel once the layer's last bytes went out (a TLS session's
 * close_notify, a WebSocket close frame): a lingering close. A TCP socket closed with unread
 * input sends a reset instead of a FIN, and the reset destroys what is still on its way to the
 * peer, the layer's last records included, so the peer reads a truncation or "connection
 * reset". A layer always risks unread input at close: a TLS 1.3 server sends session tickets
 * after the handshake, which a client that only writes never reads; a peer's own closing
 * message crosses ours; and such input can arrive after any read made at close time.
 *
 * <p>So the write side is shut (the FIN follows the last byte), and the inner channel stays open
 * on the shared loop, reading and dropping what comes, until the peer's end of stream, a
 * failure, {@link #MAX_BYTES} or {@link #MAX_MILLIS}; then it closes. Peers close when they read
 * the layer's closing message or the FIN, so the linger usually lasts one round trip, and the
 * descriptor outlives the layer's {@code close()} by as much. The time limit runs on
 * {@link LayerTimer}. {@link #awaitAll} waits for the lingers in progress, for a program about to
 * exit (the kernel would reset what it closes with unread input) or a test that counts
 * descriptors.
 */
public final class LingeringClose {
    /** How long the inner channel waits for the peer's end of stream before it closes anyway. */
    public static final long MAX_MILLIS = 5_000;
    /** How much it reads and drops before it closes anyway: a peer that keeps sending gets its reset. */
    public static final long MAX_BYTES = Discard.MAX_BYTES;

    /** Guards {@link #inProgress}; waiters in {@link #awaitAll} wait on it. */
    private static final Object PROGRESS = new Object();
    /** Lingers started and not yet closed, guarded by {@link #PROGRESS}. */
    private static int inProgress;

    private final IoChannel inner;
    /** Set by whichever of the watch, the deadline and a failed start closes first. */
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Touched only by the watch, which runs on one loop. */
    private final Discard discard = new Discard();

    private volatile ScheduledFuture<?> deadline;

    private LingeringClose(IoChannel inner) {
        this.inner = inner;
    }

    /**
     * Shuts {@code inner}'s write side and drains it in the background until it can close; does
     * not block. Call it once everything the layer had to send went. The inner channel must be
     * non-blocking and support {@link dev.qio.channel.Feature#SHUTDOWN}; from this call on it
     * belongs to the linger, which closes it (at once, if shutting it down fails).
     */
    public static void start(IoChannel inner) {
        LingeringClose linger = new LingeringClose(inner);
        synchronized (PROGRESS) {
            inProgress++;
        }
        try {
            inner.shutdown(Shutdown.WRITE);
            linger.deadline = LayerTimer.after(MAX_MILLIS, TimeUnit.MILLISECONDS, linger::close);
            inner.addWatch(Set.of(IoCondition.IN), (ch, ready) -> linger.drain(), EventLoop.shared());
        } catch (IOException | RuntimeException e) {
            linger.close(); // already failing: nothing of ours can reach the peer any more
        }
    }

    /**
     * Waits until no lingering close is in progress in this JVM (every inner channel handed to
     * {@link #start} so far, and any handed over meanwhile, has closed), or until {@code timeout}
     * passes. Each linger ends by itself within {@link #MAX_MILLIS}, so a timeout a little
     * longer than that is always enough when no new ones start.
     *
     * @return whether none is in progress
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline =
                System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
        synchronized (PROGRESS) {
            while (inProgress > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(PROGRESS, left);
            }
            return true;
        }
    }

    /** One turn of the watch: drops what is there; whether to go on watching. */
    private boolean drain() {
        if (discard.untilBlock(inner) >= 0) {
            return true; // a block, spurious (fault+) or not, is retried when the watch polls again
        }
        close();
        return false;
    }

    private void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the watch and the deadline may both get here
        }
        ScheduledFuture<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            inner.close();
        } catch (IOException ignored) {
            // everything the layer had to send went before the linger began; nobody is left to tell
        } finally {
            synchronized (PROGRESS) {
                if (--inProgress == 0) {
                    PROGRESS.notifyAll();
                }
            }
        }
    }
}
