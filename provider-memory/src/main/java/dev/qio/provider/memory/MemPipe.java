package dev.qio.provider.memory;

import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of a {@code mem://} connection: a bounded ring of bytes from one writing endpoint
 * to one reading endpoint, with descriptors riding on chosen bytes.
 *
 * <p>One lock guards everything; bytes are copied under it, once in (iov to ring) and once out
 * (ring to iov). Each endpoint serialises its own reads and writes, so at most one thread waits on
 * each condition. A blocking transfer that would wait first spins briefly without the lock
 * ({@link #SPIN_NANOS}), so two threads streaming through the pipe hand it over without parking.
 *
 * <p>The ring holds at most {@code capacity} bytes, but its array grows to that only as the bytes
 * buffered at once need it: it starts at what the first write needs (at least
 * {@value #MIN_RING} bytes) and doubles. So a connection that carries small messages costs little
 * memory whatever its capacity (benchmarks' ScaleReport sends one byte each way over 10,000
 * connections: that was 20,000 rings of 64 KiB, 1.3 GB, before), and a stream grows its ring once. The capacity alone decides when a
 * write must wait or gets {@code ERR_BLOCK}.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>Writer side ends ({@link #endWriter}: the writing endpoint closed or shut down WRITE): the
 *       reader drains what is buffered, then reads {@link IoChannel#EOF} for ever; later writes get
 *       {@link #SHUT_DOWN}. A writer blocked waiting for room wakes with {@link #SHUT_DOWN}.
 *   <li>Reader side ends ({@link #endReader}: the reading endpoint closed or shut down READ):
 *       buffered bytes are dropped and their descriptors closed; reads return EOF at once, a
 *       blocked reader wakes with EOF, and writes get {@link #BROKEN}.
 * </ul>
 * Both are idempotent, thread-safe and never wait for a transfer to finish beyond one copy.
 *
 * <p>Results are codes rather than exceptions because only the endpoint knows its name for the
 * message.
 */
final class MemPipe {
    /** Write result: the reader side ended (EPIPE). */
    static final int BROKEN = -3;
    /** Write result: the writer side ended (shut down for writing, or closed). */
    static final int SHUT_DOWN = -4;
    /** Read or write result: the waiting thread was interrupted; its interrupt status is set. */
    static final int INTERRUPTED = -5;

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

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Awaited by the one reader while the ring is empty. */
    private final Condition readable = lock.newCondition();
    /** Awaited by the one writer while the ring is full. */
    private final Condition writable = lock.newCondition();

    /** Guarded by {@code lock}; allocated by the first write, grown by later ones, dropped when the reader side ends. */
    private ByteBuffer ring;
    /** Guarded by {@code lock}: the length of {@code ring} (0 before the first write), at most {@code capacity}. */
    private int length;
    /** Guarded by {@code lock}: a view of {@code ring} reused by every read, so none allocates. */
    private ByteBuffer readView;
    /** Guarded by {@code lock}: a view of {@code ring} reused by every write, so none allocates. */
    private ByteBuffer writeView;
    /** Guarded by {@code lock}: index in {@code ring} of the next byte to read. */
    private int head;
    /** Bytes buffered. Written under {@code lock}; volatile so readiness polls need not lock. */
    private volatile int size;
    /** Guarded by {@code lock}: stream offset of the byte at {@code head}, for descriptor batches. */
    private long readOffset;
    /** Written under {@code lock}, never reset; volatile for readiness polls. */
    private volatile boolean writerEnded;
    /** Written under {@code lock}, never reset; volatile for readiness polls. */
    private volatile boolean readerEnded;
    /** Guarded by {@code lock}. */
    private final FdQueue fds = new FdQueue();
    /** The reading endpoint's readiness; set once by {@link #bind} before publication, then read-only. */
    private SignalledReadiness readerReadiness;
    /** The writing endpoint's readiness; set once by {@link #bind} before publication, then read-only. */
    private SignalledReadiness writerReadiness;

    MemPipe(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pipe capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
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
     * @return bytes read, {@link IoChannel#EOF}, {@link IoChannel#ERR_BLOCK} or {@link #INTERRUPTED}
     */
    long read(ByteBuffer[] iov, List<NativeFd> fdsOut, boolean blocking) {
        List<NativeFd> delivered = null;
        int n;
        if (blocking && !readable()) {
            spinForBytes(); // before the lock: the writer needs it to refill
        }
        lock.lock();
        try {
            int status = awaitReadable(blocking);
            if (status != 0) {
                return status;
            }
            int limit = size;
            if (!fds.isEmpty()) {
                delivered = fds.takeAt(readOffset);
                limit = fds.readLimit(readOffset, limit);
            }
            n = copyOut(iov, limit);
            writable.signal(); // wakes the writer, if it waits for the room just made
        } finally {
            lock.unlock();
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
            while (!readable() && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
        }
    }

    /** Spins, without the lock, while a write would wait; see {@link #SPIN_NANOS}. */
    private void spinForRoom() {
        if (MULTI_CPU && !Thread.currentThread().isVirtual()) {
            long start = System.nanoTime();
            while (!hasRoom() && !writeFails() && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
        }
    }

    /** Under {@code lock}: 0 once bytes are buffered, else what the read returns instead. */
    private int awaitReadable(boolean blocking) {
        while (size == 0) {
            if (writerEnded || readerEnded) {
                return IoChannel.EOF;
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
        return 0;
    }

    /**
     * Writes from {@code iov}, which has bytes; waits, if {@code blocking}, for at least one byte
     * of room, then writes as much as fits. Duplicates of {@code sent} ride on the first byte.
     *
     * @return bytes written, {@link IoChannel#ERR_BLOCK}, {@link #SHUT_DOWN}, {@link #BROKEN} or
     *     {@link #INTERRUPTED}
     * @throws IOException if duplicating a descriptor fails; then no byte was written
     */
    long write(ByteBuffer[] iov, List<NativeFd> sent, boolean blocking) throws IOException {
        int n;
        if (blocking && !hasRoom()) {
            spinForRoom(); // before the lock: the reader needs it to drain
        }
        lock.lock();
        try {
            int room = awaitWritable(blocking);
            if (room < 0) {
                return room;
            }
            if (!sent.isEmpty()) {
                fds.add(readOffset + size, sent);
            }
            n = copyIn(iov, room);
            readable.signal(); // wakes the reader, if it waits for bytes
        } finally {
            lock.unlock();
        }
        signalEndpoints();
        return n;
    }

    /** Under {@code lock}: the room (at least 1) once there is some, else the write's result. */
    private int awaitWritable(boolean blocking) {
        while (true) {
            if (writerEnded) {
                return SHUT_DOWN;
            }
            if (readerEnded) {
                return BROKEN;
            }
            if (size < capacity) {
                return capacity - size;
            }
            if (!blocking) {
                return IoChannel.ERR_BLOCK;
            }
            try {
                writable.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return INTERRUPTED;
            }
        }
    }

    /** Under {@code lock}: moves up to {@code max} buffered bytes into {@code iov}, in two runs at most. */
    private int copyOut(ByteBuffer[] iov, int max) {
        int first = Math.min(max, length - head);
        readView.clear().position(head).limit(head + first);
        int n = Iov.fill(iov, readView, first);
        if (n == first && n < max) { // the bytes wrap round to the ring's start
            readView.clear().limit(max - n);
            n += Iov.fill(iov, readView, max - n);
        }
        head += n;
        if (head >= length) {
            head -= length;
        }
        size -= n;
        readOffset += n;
        if (size == 0) {
            head = 0; // keeps the next write in one run
        }
        return n;
    }

    /** Under {@code lock}: moves up to {@code room} bytes from {@code iov} into the ring. */
    private int copyIn(ByteBuffer[] iov, int room) {
        reserve(size + (int) Math.min(room, Iov.remaining(iov)));
        int tail = head + size;
        if (tail >= length) {
            tail -= length;
        }
        int first = Math.min(room, length - tail);
        writeView.clear().position(tail).limit(tail + first);
        int n = Iov.drain(iov, writeView, first);
        if (n == first && n < room) { // the free space wraps round to the ring's start
            writeView.clear().limit(Math.min(room - n, head));
            n += Iov.drain(iov, writeView, room - n);
        }
        size += n;
        return n;
    }

    /**
     * Under {@code lock}: makes the ring array hold at least {@code needed} bytes (at most
     * {@code capacity}), doubling from {@link #MIN_RING}; a new array gets the buffered bytes at its
     * start. Allocated on first use, so an idle connection costs no ring.
     */
    private void reserve(int needed) {
        if (needed <= length) {
            return;
        }
        int grown = Math.max(MIN_RING, length);
        while (grown < needed) {
            grown = grown > capacity / 2 ? capacity : grown * 2;
        }
        grown = Math.min(grown, capacity);
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        if (size > 0) {
            int first = Math.min(size, length - head); // the buffered bytes, unwrapped
            bigger.put(0, ring, head, first);
            bigger.put(first, ring, 0, size - first);
        }
        ring = bigger;
        length = grown;
        head = 0;
        readView = ring.duplicate();
        writeView = ring.duplicate();
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
        lock.lock();
        try {
            writerEnded = true;
            readable.signalAll(); // wakes the reader: it drains, then reads EOF
            writable.signalAll(); // wakes a writer waiting for room: it now fails
        } finally {
            lock.unlock();
        }
        signalEndpoints();
    }

    /** Ends the reader side, dropping buffered bytes and closing their descriptors. */
    void endReader() {
        List<NativeFd> dropped;
        lock.lock();
        try {
            readOffset += size;
            size = 0;
            head = 0;
            ring = null; // nothing can be written any more: let the memory go
            length = 0;
            readView = null;
            writeView = null;
            dropped = fds.isEmpty() ? List.of() : fds.drain();
            readerEnded = true;
            readable.signalAll(); // wakes the reader: it reads EOF
            writable.signalAll(); // wakes a writer waiting for room: it gets a broken pipe
        } finally {
            lock.unlock();
        }
        FdQueue.closeQuietly(dropped);
        signalEndpoints();
    }

    /** Whether a read would not wait: bytes, EOF, or the reader side ended. Lock-free. */
    boolean readable() {
        return size > 0 || writerEnded || readerEnded;
    }

    /** Whether the writer side ended (the reading endpoint's peer hung up). Lock-free. */
    boolean writerEnded() {
        return writerEnded;
    }

    /** Whether a write would fail at once (shut down, or broken pipe). Lock-free. */
    boolean writeFails() {
        return writerEnded || readerEnded;
    }

    /** Whether a write would move at least one byte now. Lock-free. */
    boolean hasRoom() {
        return size < capacity;
    }

    /** Tells both endpoints' watches and waiters that this pipe changed; cheap with none. */
    private void signalEndpoints() {
        readerReadiness.signal();
        writerReadiness.signal();
    }
}
