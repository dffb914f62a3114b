package dev.qio.provider.memory;

import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.ByteRing;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One direction of a {@code mem://} connection: a {@link ByteRing} from one writing endpoint to
 * one reading endpoint, with descriptors riding on chosen bytes.
 *
 * <p>The ring's lock guards the descriptors too; bytes are copied under it, once in (iov to ring)
 * and once out (ring to iov). A blocking transfer that would wait first spins briefly without the
 * lock ({@link #SPIN_NANOS}), so two threads streaming through the pipe hand it over without
 * parking. The ring's array starts at {@value #MIN_RING} bytes and grows to the capacity only as
 * the bytes buffered at once need it, so a connection that carries small messages costs little
 * memory whatever its capacity (benchmarks' ScaleReport sends one byte each way over 10,000
 * connections), and a stream grows its ring once.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>Writer side ends ({@link #endWriter}: the writing endpoint closed or shut down WRITE): the
 *       reader drains what is buffered, then reads {@link IoChannel#EOF} for ever; later writes,
 *       and a writer blocked waiting for room, stop with {@link ByteRing.Status#SHUT_DOWN}.
 *   <li>Reader side ends ({@link #endReader}: the reading endpoint closed or shut down READ):
 *       buffered bytes are dropped and their descriptors closed; reads return EOF at once, a
 *       blocked reader wakes with EOF, and writes stop with {@link ByteRing.Status#BROKEN}.
 * </ul>
 * Both are idempotent, thread-safe and never wait for a transfer to finish beyond one copy.
 */
final class MemPipe {
    /** The smallest ring array; smaller ones would only be outgrown at once. */
    static final int MIN_RING = 256;
    /**
     * How long a blocking read spins for bytes (a blocking write for room) before it parks, in
     * nanoseconds. Parking costs the peer an unpark, and when the parked thread's CPU has gone
     * idle, the wake-up crosses CPUs, which in a virtual machine takes tens of microseconds: two of
     * those per 64 KiB made a two-thread stream no faster than {@code PipedInputStream}. A peer that
     * is running on another CPU refills or drains the ring well within this time, so while both
     * sides are busy the waiter seldom parks (measured on 2 CPUs streaming 64 KiB writes: without
     * the spin each side parked on half or more of the transfers, with it on one in 5 to 35); a
     * peer that is not running costs this much CPU once per wait.
     */
    static final long SPIN_NANOS = 20_000;
    /**
     * Whether to spin: only with more than one CPU, where the peer can run meanwhile, and only on
     * platform threads. A virtual thread parks at once: parking unmounts it and frees its carrier
     * for other virtual threads, and a spin would hold the carrier instead.
     */
    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    private final ByteRing ring;
    /** Guarded by the ring's lock: descriptors by the stream offset of the byte they ride on. */
    private final FdQueue fds = new FdQueue();
    /** The reading endpoint's readiness; set once by {@link #bind} before publication, then read-only. */
    private SignalledReadiness readerReadiness;
    /** The writing endpoint's readiness; set once by {@link #bind} before publication, then read-only. */
    private SignalledReadiness writerReadiness;

    MemPipe(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pipe capacity must be at least 1, not " + capacity);
        }
        this.ring = new ByteRing(capacity, MIN_RING);
    }

    /** Names the readiness of the reading and the writing endpoint, which every change signals. */
    void bind(SignalledReadiness reader, SignalledReadiness writer) {
        this.readerReadiness = reader;
        this.writerReadiness = writer;
    }

    /**
     * Reads into {@code iov}, which has room (the endpoint returns 0 itself otherwise). Waits, if
     * {@code blocking}, while the ring is empty and neither side ended. Stops before the next byte
     * that carries descriptors; the descriptors of the first byte read go to {@code fdsOut}, or are
     * closed when it is {@code null}.
     *
     * @return bytes read, {@link IoChannel#EOF} or {@link IoChannel#ERR_BLOCK}
     * @throws ByteRing.Stopped {@link ByteRing.Status#INTERRUPTED}
     */
    long read(ByteBuffer[] iov, List<NativeFd> fdsOut, boolean blocking) throws ByteRing.Stopped {
        List<NativeFd> delivered = null;
        int n;
        if (blocking && !ring.readable()) {
            spinForBytes(); // before the lock: the writer needs it to refill
        }
        ring.lock();
        try {
            int limit = ring.awaitBytes(blocking);
            if (limit < 0) {
                return limit;
            }
            if (!fds.isEmpty()) {
                delivered = fds.takeAt(ring.readOffset());
                limit = fds.readLimit(ring.readOffset(), limit);
            }
            n = ring.take(iov, limit);
        } finally {
            ring.unlock();
        }
        signalEndpoints();
        if (delivered != null) {
            deliver(delivered, fdsOut);
        }
        return n;
    }

    /** Spins, without the lock, while a read would wait; see {@link #SPIN_NANOS}. */
    private void spinForBytes() {
        if (MULTI_CPU && !Thread.currentThread().isVirtual()) {
            long start = System.nanoTime();
            while (!ring.readable() && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
        }
    }

    /** Spins, without the lock, while a write would wait; see {@link #SPIN_NANOS}. */
    private void spinForRoom() {
        if (MULTI_CPU && !Thread.currentThread().isVirtual()) {
            long start = System.nanoTime();
            while (!ring.hasRoom() && !ring.writeFails() && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Writes from {@code iov}, which has bytes; waits, if {@code blocking}, for at least one byte
     * of room, then writes as much as fits. Duplicates of {@code sent} ride on the first byte.
     *
     * @return bytes written or {@link IoChannel#ERR_BLOCK}
     * @throws ByteRing.Stopped {@link ByteRing.Status#SHUT_DOWN}, {@link ByteRing.Status#BROKEN} or
     *     {@link ByteRing.Status#INTERRUPTED}
     * @throws IOException if duplicating a descriptor fails; then no byte was written
     */
    long write(ByteBuffer[] iov, List<NativeFd> sent, boolean blocking) throws IOException {
        int n;
        if (blocking && !ring.hasRoom()) {
            spinForRoom(); // before the lock: the reader needs it to drain
        }
        ring.lock();
        try {
            int room = ring.awaitRoom(blocking);
            if (room < 0) {
                return room;
            }
            if (!sent.isEmpty()) {
                fds.add(ring.readOffset() + ring.size(), sent);
            }
            n = ring.put(iov, room);
        } finally {
            ring.unlock();
        }
        signalEndpoints();
        return n;
    }

    /** Hands descriptors to the reader, or closes them when it asked for none. */
    private static void deliver(List<NativeFd> delivered, List<NativeFd> fdsOut) {
        if (fdsOut != null) {
            fdsOut.addAll(delivered);
        } else {
            FdQueue.closeQuietly(delivered);
        }
    }

    /** Ends the writer side; see the class description. */
    void endWriter() {
        ring.endWriter(null);
        signalEndpoints();
    }

    /** Ends the reader side, dropping buffered bytes and closing their descriptors. */
    void endReader() {
        List<NativeFd> dropped;
        ring.lock();
        try {
            ring.endReader(null);
            dropped = fds.isEmpty() ? List.of() : fds.drain();
        } finally {
            ring.unlock();
        }
        FdQueue.closeQuietly(dropped);
        signalEndpoints();
    }

    /** Whether a read would not wait: bytes, EOF, or the reader side ended. Lock-free. */
    boolean readable() {
        return ring.readable();
    }

    /** Whether the writer side ended (the reading endpoint's peer hung up). Lock-free. */
    boolean writerEnded() {
        return ring.writerEnded();
    }

    /** Whether a write would fail at once (shut down, or broken pipe). Lock-free. */
    boolean writeFails() {
        return ring.writeFails();
    }

    /** Whether a write would move at least one byte now. Lock-free. */
    boolean hasRoom() {
        return ring.hasRoom();
    }

    /** Tells both endpoints' watches and waiters that this pipe changed; cheap with none. */
    private void signalEndpoints() {
        readerReadiness.signal();
        writerReadiness.signal();
    }
}
