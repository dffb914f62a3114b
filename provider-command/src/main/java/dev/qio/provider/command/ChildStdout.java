package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.ByteRing;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The child's stdout as the channel reads it: a pump thread ({@link #run}) copies the blocking
 * {@link Process#getInputStream()} into a {@link ByteRing}, and the channel's reads take from the
 * ring without ever touching the stream, so they can return {@code ERR_BLOCK} and can be woken.
 *
 * <p>The pump reads from the stream straight into the ring's free run <em>outside</em> the ring's
 * lock, then commits the count; a read copies out under the lock. So bytes go from the pipe into
 * the ring (through the stream's own 8 KiB buffer only when the free run is smaller than that) and
 * once into the caller's iov, and nothing allocates per transfer. When the ring is full the pump
 * stops reading, so the pipe fills and the child blocks in {@code write}: backpressure reaches the
 * child.
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
 *   <li>The stream's read fails: reads drain the ring, then stop with
 *       {@link ByteRing.Status#FAILED}, the stream's failure as the cause.
 * </ul>
 */
final class ChildStdout implements Runnable {
    private final InputStream in;
    private final ByteRing ring;
    private final SignalledReadiness readiness;
    /** The channel closed: the pump stops. Written once by {@link #close()}; volatile for the pump. */
    private volatile boolean closed;

    ChildStdout(InputStream in, int capacity, SignalledReadiness readiness) {
        this.in = in;
        this.ring = new ByteRing(capacity, capacity);
        this.readiness = readiness;
    }

    /**
     * Reads into {@code iov}, which has room. Waits, if {@code blocking}, while the ring is empty
     * and the stream has not ended.
     *
     * @return bytes read, {@link IoChannel#EOF} or {@link IoChannel#ERR_BLOCK}
     * @throws ByteRing.Stopped {@link ByteRing.Status#FAILED} or {@link ByteRing.Status#INTERRUPTED}
     */
    long read(ByteBuffer[] iov, boolean blocking) throws ByteRing.Stopped {
        long n = ring.read(iov, blocking);
        readiness.signal();
        return n;
    }

    /** The pump: stream to ring until the stream ends, fails, or {@link #close()}. */
    @Override
    public void run() {
        try {
            while (!closed) {
                byte[] into;
                int start;
                int free;
                ring.lock();
                try {
                    free = ring.awaitWriteRun();
                    into = ring.array();
                    start = ring.writeRunStart();
                } finally {
                    ring.unlock();
                }
                if (closed) {
                    ring.produced(0);
                    return;
                }
                int n = in.read(into, start, free); // blocks outside the lock; only this thread writes there
                if (n < 0) {
                    ring.endWriter(null); // reads drain, then EOF
                    readiness.signal();
                    return;
                }
                ring.produced(n); // dropped if the reader left or the channel closed meanwhile
                readiness.signal();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) { // after close a failing read is expected, and the child's stdout did not end
                ring.endWriter(e instanceof IOException io ? io : new IOException(e));
                readiness.signal();
            }
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
        ring.endReader(null);
        readiness.signal();
    }

    /** Stops the pump and makes reads return EOF; see the class description. Idempotent. */
    void close() {
        closed = true;
        ring.endReader(null); // wakes a blocked reader and a pump waiting for room
        readiness.signal();
    }

    /** Whether a read would not wait: bytes, EOF, a failure to report, or the reader left. Lock-free. */
    boolean readable() {
        return ring.readable();
    }

    /** Whether the child's stdout ended (the pump read EOF). Lock-free. */
    boolean atEnd() {
        return ring.writerEnded() && ring.writerCause() == null;
    }

    /** Whether the pump's read failed; a read reports it once the ring is drained. Lock-free. */
    boolean failed() {
        return ring.writerCause() != null;
    }
}
