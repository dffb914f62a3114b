package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The child's stdout as the channel reads it: a pump thread ({@link #run}) copies the blocking
 * {@link Process#getInputStream()} into a bounded ring, and the channel's reads take from the ring
 * without ever touching the stream, so they can return {@code ERR_BLOCK} and can be woken.
 *
 * <p>One lock guards the ring's indices. The pump reads from the stream straight into the ring's
 * free run <em>outside</em> the lock (it is the only producer, and a reader only touches the
 * buffered run), then commits the count under it; a read copies out under it. So bytes go from
 * the pipe into the ring (through the stream's own 8 KiB buffer only when the free run is smaller
 * than that) and once into the caller's iov, and nothing allocates per transfer. When the ring is full the pump stops reading, so the pipe fills and the
 * child blocks in {@code write}: backpressure reaches the child.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>The child closes its stdout (or exits): the pump sets {@link #atEnd()} and ends; reads
 *       drain the ring, then return EOF for ever.
 *   <li>{@link #endReader()} (the channel's {@code shutdown(READ)}): buffered bytes are dropped,
 *       reads return EOF at once (a blocked one too), and the pump keeps reading and discarding
 *       so the child is never blocked by a reader that left.
 *   <li>{@link #close()} (the channel closes): reads return EOF; the pump stops at its next step
 *       and closes the stream, so the child's next write fails with SIGPIPE, as after QEMU's
 *       close. A pump blocked in the stream's read returns when the child writes or exits.
 *   <li>The stream's read fails: the failure is kept; reads drain the ring, then report it.
 * </ul>
 *
 * <p>Results are codes rather than exceptions because only the channel knows its name.
 */
final class ChildStdout implements Runnable {
    /** Read result: the pump's read failed; {@link #failure()} says why. */
    static final int FAILED = -3;
    /** Read result: the waiting thread was interrupted; its interrupt status is set. */
    static final int INTERRUPTED = -5;

    private final InputStream in;
    private final byte[] ring;
    private final int capacity;
    private final SignalledReadiness readiness;
    private final ReentrantLock lock = new ReentrantLock();
    /** Awaited by the one reader (the channel serialises reads) while the ring is empty. */
    private final Condition readable = lock.newCondition();
    /** Awaited by the pump while the ring is full. */
    private final Condition room = lock.newCondition();
    /** Guarded by {@code lock}: a view of {@code ring} reused by every read, so none allocates. */
    private final ByteBuffer readView;

    /** Guarded by {@code lock}: index in {@code ring} of the next byte to read. */
    private int head;
    /** Bytes buffered. Written under {@code lock}; volatile so readiness polls need not lock. */
    private volatile int size;
    /** The child's stdout ended. Written under {@code lock}, never reset; volatile for polls. */
    private volatile boolean eof;
    /** The pump's read failed. Written under {@code lock}, never reset; volatile for polls. */
    private volatile IOException failure;
    /** shutdown(READ): discard. Written under {@code lock}, never reset; volatile for polls. */
    private volatile boolean readerEnded;
    /** The channel closed: the pump stops. Written under {@code lock}, never reset. */
    private volatile boolean closed;

    ChildStdout(InputStream in, int capacity, SignalledReadiness readiness) {
        this.in = in;
        this.capacity = capacity;
        this.ring = new byte[capacity];
        this.readView = ByteBuffer.wrap(ring);
        this.readiness = readiness;
    }

    /**
     * Reads into {@code iov}, which has room. Waits, if {@code blocking}, while the ring is empty
     * and the stream has not ended.
     *
     * @return bytes read, {@link IoChannel#EOF}, {@link IoChannel#ERR_BLOCK}, {@link #FAILED} or
     *     {@link #INTERRUPTED}
     */
    long read(ByteBuffer[] iov, boolean blocking) {
        int n;
        lock.lock();
        try {
            while (size == 0) {
                if (eof || readerEnded || closed) {
                    return IoChannel.EOF;
                }
                if (failure != null) {
                    return FAILED;
                }
                if (!blocking) {
                    return IoChannel.ERR_BLOCK;
                }
                try {
                    readable.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return INTERRUPTED;
                }
            }
            n = copyOut(iov);
            room.signal(); // wakes the pump, if it waits for the room just made
        } finally {
            lock.unlock();
        }
        readiness.signal();
        return n;
    }

    /** Under {@code lock}: moves buffered bytes into {@code iov}, in two runs at most. */
    private int copyOut(ByteBuffer[] iov) {
        int first = Math.min(size, capacity - head);
        readView.limit(head + first).position(head);
        int n = Iov.fill(iov, readView, first);
        if (n == first && n < size) { // the bytes wrap round to the ring's start
            readView.limit(size - n).position(0);
            n += Iov.fill(iov, readView, size - n);
        }
        head += n;
        if (head >= capacity) {
            head -= capacity;
        }
        size -= n;
        // No rewind to 0 when empty (MemPipe does one): the pump may be reading into the run
        // after the old tail right now, outside the lock, and its commit counts from there.
        return n;
    }

    /** The pump: stream to ring until the stream ends, fails, or {@link #close()}. */
    @Override
    public void run() {
        try {
            while (true) {
                int tail;
                int free;
                lock.lock();
                try {
                    while (size == capacity && !closed) {
                        room.awaitUninterruptibly(); // a read or close() signals
                    }
                    if (closed) {
                        return;
                    }
                    tail = head + size;
                    if (tail >= capacity) {
                        tail -= capacity;
                    }
                    free = Math.min(capacity - size, capacity - tail);
                } finally {
                    lock.unlock();
                }
                int n = in.read(ring, tail, free); // blocks outside the lock; only this thread writes there
                lock.lock();
                try {
                    if (n < 0) {
                        eof = true;
                    } else if (!readerEnded && !closed) {
                        size += n;
                    } // else: the reader left; the bytes are dropped where they landed
                    readable.signal(); // wakes the reader: bytes, or EOF
                } finally {
                    lock.unlock();
                }
                readiness.signal();
                if (n < 0) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                if (!closed) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                }
                readable.signal(); // wakes the reader: it drains, then reports the failure
            } finally {
                lock.unlock();
            }
            readiness.signal();
        } finally {
            try {
                in.close(); // the child's next write gets SIGPIPE
            } catch (IOException ignored) {
                // closing a pipe we only read from: nothing to report
            }
        }
    }

    /** Drops buffered bytes and makes reads return EOF; the pump goes on discarding. */
    void endReader() {
        lock.lock();
        try {
            readerEnded = true;
            size = 0;
            head = 0;
            readable.signalAll(); // wakes a blocked reader: it reads EOF
            room.signal(); // wakes the pump if the ring was full: it discards from now on
        } finally {
            lock.unlock();
        }
        readiness.signal();
    }

    /** Stops the pump and makes reads return EOF; see the class description. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            size = 0;
            head = 0;
            readable.signalAll(); // wakes a blocked reader: the channel reports the close
            room.signal(); // wakes the pump if it waits for room: it stops
        } finally {
            lock.unlock();
        }
        readiness.signal();
    }

    /** Whether a read would not wait: bytes, EOF, a failure to report, or the reader left. Lock-free. */
    boolean readable() {
        return size > 0 || eof || readerEnded || closed || failure != null;
    }

    /** Whether the child's stdout ended (the pump read EOF). Lock-free. */
    boolean atEnd() {
        return eof;
    }

    /** Whether the pump's read failed; a read reports it once the ring is drained. Lock-free. */
    boolean failed() {
        return failure != null;
    }

    /** Why the pump's read failed, or {@code null}. */
    IOException failure() {
        return failure;
    }
}
