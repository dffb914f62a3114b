package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.ByteRing;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The child's stdin as the channel writes it: the channel's writes copy into a {@link ByteRing},
 * and a pump thread ({@link #run}) drains the ring into the blocking
 * {@link Process#getOutputStream()}, flushing after every chunk so the child sees each write at
 * once. So writes can return {@code ERR_BLOCK} (ring full) and can be woken, which a write blocked
 * in the stream could not.
 *
 * <p>The pump writes the ring's oldest run to the stream <em>outside</em> the ring's lock (writers
 * only append after it), then frees it. Nothing allocates per transfer.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@link #shutdown()} (the channel's {@code shutdown(WRITE)}, and its close): later writes
 *       stop with {@link ByteRing.Status#SHUT_DOWN}; the pump drains what is buffered, then closes
 *       the child's stdin, so the child reads every byte written and then EOF. Never waits.
 *   <li>The stream's write fails (the child closed its stdin or exited: "Broken pipe"): buffered
 *       bytes are dropped, the pump ends, and every later write, including a blocked one, stops
 *       with {@link ByteRing.Status#BROKEN}, the stream's failure as its cause.
 * </ul>
 */
final class ChildStdin implements Runnable {
    /**
     * The most the pump writes in one call: what a Linux pipe holds, so a write into an empty pipe
     * never waits halfway. Smaller chunks would free ring space sooner, but every chunk costs a
     * system call and wakes the child, which wakes whoever reads its output: with 16 KiB chunks
     * {@code command:cat} moved about a third less than with 64 KiB (benchmarks/run,
     * docs/BENCHMARKS.md).
     */
    static final int CHUNK = 64 * 1024;

    private final OutputStream out;
    private final ByteRing ring;
    private final SignalledReadiness readiness;

    ChildStdin(OutputStream out, int capacity, SignalledReadiness readiness) {
        this.out = out;
        this.ring = new ByteRing(capacity, capacity);
        this.readiness = readiness;
    }

    /**
     * Writes from {@code iov}, which has bytes; waits, if {@code blocking}, for at least one byte
     * of room, then takes as much as fits.
     *
     * @return bytes taken or {@link IoChannel#ERR_BLOCK}
     * @throws ByteRing.Stopped {@link ByteRing.Status#SHUT_DOWN}, {@link ByteRing.Status#BROKEN} or
     *     {@link ByteRing.Status#INTERRUPTED}
     */
    long write(ByteBuffer[] iov, boolean blocking) throws ByteRing.Stopped {
        long n = ring.write(iov, blocking);
        readiness.signal();
        return n;
    }

    /** The pump: ring to stream until shut down and drained, or the stream fails. */
    @Override
    public void run() {
        try {
            while (true) {
                byte[] from;
                int start;
                int n;
                ring.lock();
                try {
                    n = ring.awaitReadRun(CHUNK);
                    from = ring.array();
                    start = ring.readRunStart();
                } finally {
                    ring.unlock();
                }
                if (n == IoChannel.EOF) {
                    break; // shut down and drained
                }
                out.write(from, start, n); // blocks outside the lock; writers only append after this run
                out.flush();
                ring.consumed(n);
                readiness.signal();
            }
            out.close(); // the child reads EOF
        } catch (IOException | RuntimeException e) {
            ring.endReader(e instanceof IOException io ? io : new IOException(e));
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
        ring.endWriter(null);
        readiness.signal();
    }

    /** Whether a write would fail at once: shut down, or the stream failed. Lock-free. */
    boolean writeFails() {
        return ring.writeFails();
    }

    /** Whether a write would take at least one byte now. Lock-free. */
    boolean hasRoom() {
        return ring.hasRoom();
    }

    /** Bytes the ring holds now, the chunk the pump is writing included. Lock-free; for tests. */
    int buffered() {
        return ring.size();
    }
}
