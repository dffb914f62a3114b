package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The child's stdin as the channel writes it: the channel's writes copy into a bounded ring, and
 * a pump thread ({@link #run}) drains the ring into the blocking {@link Process#getOutputStream()},
 * flushing after every chunk so the child sees each write at once. So writes can return
 * {@code ERR_BLOCK} (ring full) and can be woken, which a write blocked in the stream could not.
 *
 * <p>One lock guards the ring's indices. The pump writes the ring's oldest run to the stream
 * <em>outside</em> the lock (writers only append after it), then frees it under the lock. Nothing
 * allocates per transfer.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@link #shutdown()} (the channel's {@code shutdown(WRITE)}, and its close): later writes
 *       get {@link #SHUT_DOWN}; the pump drains what is buffered, then closes the child's stdin,
 *       so the child reads every byte written and then EOF. Never waits.
 *   <li>The stream's write fails (the child closed its stdin or exited: "Broken pipe"): buffered
 *       bytes are dropped, the pump ends, and every later write, including a blocked one, gets
 *       {@link #BROKEN} with {@link #failure()} as the cause.
 * </ul>
 *
 * <p>Results are codes rather than exceptions because only the channel knows its name.
 */
final class ChildStdin implements Runnable {
    /** Write result: the child no longer takes its stdin; {@link #failure()} says why. */
    static final int BROKEN = -3;
    /** Write result: shut down for writing, or closed. */
    static final int SHUT_DOWN = -4;
    /** Write result: the waiting thread was interrupted; its interrupt status is set. */
    static final int INTERRUPTED = -5;
    /**
     * The most the pump writes in one call: what a Linux pipe holds, so a write into an empty pipe
     * never waits halfway. Smaller chunks would free ring space sooner, but every chunk costs a
     * system call and wakes the child, which wakes whoever reads its output: with 16 KiB chunks
     * {@code command:cat} moved about a third less than with 64 KiB (benchmarks/run,
     * docs/BENCHMARKS.md).
     */
    static final int CHUNK = 64 * 1024;

    private final OutputStream out;
    private final byte[] ring;
    private final int capacity;
    private final SignalledReadiness readiness;
    private final ReentrantLock lock = new ReentrantLock();
    /** Awaited by the one writer (the channel serialises writes) while the ring is full. */
    private final Condition room = lock.newCondition();
    /** Awaited by the pump while the ring is empty. */
    private final Condition data = lock.newCondition();
    /** Guarded by {@code lock}: a view of {@code ring} reused by every write, so none allocates. */
    private final ByteBuffer writeView;

    /** Guarded by {@code lock}: index in {@code ring} of the oldest buffered byte. */
    private int head;
    /** Bytes buffered. Written under {@code lock}; volatile so readiness polls need not lock. */
    private volatile int size;
    /** No more writes; drain, then close. Written under {@code lock}, never reset; volatile for polls. */
    private volatile boolean shut;
    /** The stream failed. Written under {@code lock}, never reset; volatile for polls. */
    private volatile IOException failure;

    ChildStdin(OutputStream out, int capacity, SignalledReadiness readiness) {
        this.out = out;
        this.capacity = capacity;
        this.ring = new byte[capacity];
        this.writeView = ByteBuffer.wrap(ring);
        this.readiness = readiness;
    }

    /**
     * Writes from {@code iov}, which has bytes; waits, if {@code blocking}, for at least one byte
     * of room, then takes as much as fits.
     *
     * @return bytes taken, {@link IoChannel#ERR_BLOCK}, {@link #SHUT_DOWN}, {@link #BROKEN} or
     *     {@link #INTERRUPTED}
     */
    long write(ByteBuffer[] iov, boolean blocking) {
        int n;
        lock.lock();
        try {
            while (true) {
                if (shut) {
                    return SHUT_DOWN;
                }
                if (failure != null) {
                    return BROKEN;
                }
                if (size < capacity) {
                    break;
                }
                if (!blocking) {
                    return IoChannel.ERR_BLOCK;
                }
                try {
                    room.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return INTERRUPTED;
                }
            }
            n = copyIn(iov);
            data.signal(); // wakes the pump, if it waits for bytes
        } finally {
            lock.unlock();
        }
        readiness.signal();
        return n;
    }

    /** Under {@code lock}: moves bytes from {@code iov} into the free space, in two runs at most. */
    private int copyIn(ByteBuffer[] iov) {
        int roomLeft = capacity - size;
        int tail = head + size;
        if (tail >= capacity) {
            tail -= capacity;
        }
        int first = Math.min(roomLeft, capacity - tail);
        writeView.limit(tail + first).position(tail);
        int n = Iov.drain(iov, writeView, first);
        if (n == first && n < roomLeft) { // the free space wraps round to the ring's start
            writeView.limit(roomLeft - n).position(0);
            n += Iov.drain(iov, writeView, roomLeft - n);
        }
        size += n;
        return n;
    }

    /** The pump: ring to stream until shut down and drained, or the stream fails. */
    @Override
    public void run() {
        try {
            while (true) {
                int from;
                int n;
                lock.lock();
                try {
                    while (size == 0 && !shut) {
                        data.awaitUninterruptibly(); // a write or shutdown() signals
                    }
                    if (size == 0) {
                        break; // shut down and drained
                    }
                    from = head;
                    n = Math.min(Math.min(size, capacity - head), CHUNK);
                } finally {
                    lock.unlock();
                }
                out.write(ring, from, n); // blocks outside the lock; writers only append after this run
                out.flush();
                lock.lock();
                try {
                    head += n;
                    if (head >= capacity) {
                        head -= capacity;
                    }
                    size -= n;
                    if (size == 0) {
                        head = 0; // keeps the next write in one run
                    }
                    room.signal(); // wakes the writer, if it waits for the room just made
                } finally {
                    lock.unlock();
                }
                readiness.signal();
            }
            out.close(); // the child reads EOF
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                failure = e instanceof IOException io ? io : new IOException(e);
                size = 0; // nobody will take these bytes any more
                head = 0;
                room.signalAll(); // wakes a writer waiting for room: it now fails
            } finally {
                lock.unlock();
            }
            readiness.signal();
            try {
                out.close();
            } catch (IOException ignored) {
                // the stream already failed; the first failure is the one reported
            }
        }
    }

    /** Refuses later writes and lets the pump drain, then close the child's stdin. Idempotent; never waits. */
    void shutdown() {
        lock.lock();
        try {
            shut = true;
            data.signal(); // wakes the pump if the ring is empty: it closes stdin
            room.signalAll(); // wakes a writer waiting for room: it now fails
        } finally {
            lock.unlock();
        }
        readiness.signal();
    }

    /** Whether a write would fail at once: shut down, or the stream failed. Lock-free. */
    boolean writeFails() {
        return shut || failure != null;
    }

    /** Whether a write would take at least one byte now. Lock-free. */
    boolean hasRoom() {
        return size < capacity;
    }

    /** Bytes the ring holds now, the chunk the pump is writing included. Lock-free; for tests. */
    int buffered() {
        return size;
    }

    /** Why the stream failed, or {@code null}. */
    IOException failure() {
        return failure;
    }
}
