package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded ring of bytes from one writer to one reader: the buffer behind an in-process pipe, or
 * between a channel and a pump thread that feeds a blocking stream. The wrap-round arithmetic, the
 * waits for bytes and for room, and the two ends' lifecycles live here once; a provider adds only
 * what it carries beside the bytes.
 *
 * <p>The ring holds at most {@link #capacity()} bytes. Its array starts at {@code firstArray} bytes
 * (allocated by the first transfer) and doubles up to the capacity as the bytes buffered at once
 * need it, so a ring that carries small messages costs little memory whatever its capacity.
 *
 * <h2>Threads</h2>
 * One lock ({@link #lock()}) guards the indices and the array, with two conditions: the reader
 * waits for bytes, the writer for room. There is one reader and one writer at a time (the callers
 * serialise their own reads and their own writes); a reader and a writer may run at once. Methods
 * marked "under the lock" need the caller to hold it; that lets a caller keep state beside the
 * bytes (descriptors riding on a stream offset) consistent with them. The others take it
 * themselves. The polls ({@link #readable()}, {@link #hasRoom()}, ...) take no lock.
 *
 * <p>A pump may move bytes between the array and a blocking stream <em>outside</em> the lock: the
 * reading pump takes a <em>read run</em> ({@link #awaitReadRun}), writes it out, then frees it
 * ({@link #consumed}); the writing pump takes a <em>write run</em> ({@link #awaitWriteRun}), reads
 * into it, then commits it ({@link #produced}). While a run is out the other side touches only the
 * rest of the ring. A ring that a pump uses must not also be read (or written) by {@link #take}
 * ({@link #put}) on the pump's side.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@link #endWriter}: no more bytes come. Reads drain what is buffered, then end: {@code EOF},
 *       or {@link Status#FAILED} if a cause was given. Writes get {@link Status#SHUT_DOWN}.
 *   <li>{@link #endReader}: nobody takes bytes any more. Buffered bytes are dropped, reads return
 *       {@code EOF} at once, writes get {@link Status#BROKEN} (with the cause, if any), and a
 *       write run still out is dropped when it is committed.
 * </ul>
 * Both are idempotent (the first cause stays), thread-safe, never wait for a transfer beyond one
 * copy, and wake every thread waiting on the ring. An interrupted wait ends in
 * {@link Status#INTERRUPTED} with the thread's interrupt status set.
 *
 * <p>The class runs past 400 lines because it is one set of indices under one lock: the channel
 * side's transfers, the pumps' runs and the two ends all move {@code head} and {@code size}, and
 * splitting them would spread the invariant (bytes buffered are {@code size} from {@code head},
 * wrapping at the array's end) over several classes.
 */
public final class ByteRing {
    /** Why a read or write moved no byte and will not wait: carried by {@link Stopped}. */
    public enum Status {
        /** A write after {@link #endWriter}: shut down for writing, or closed. */
        SHUT_DOWN,
        /** A write after {@link #endReader}: nobody reads (EPIPE); the cause, if any, says why. */
        BROKEN,
        /** A read after {@link #endWriter} with a cause, once the ring is drained. */
        FAILED,
        /** The waiting thread was interrupted; its interrupt status is set. */
        INTERRUPTED
    }

    /**
     * A read or write that stopped for {@link #status()}. The provider turns it into its own
     * exception, which names the channel; this one carries no stack trace.
     */
    public static final class Stopped extends IOException {
        private static final long serialVersionUID = 1L;
        private final Status status;

        Stopped(Status status, IOException cause) {
            super(status.name(), cause);
            this.status = status;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the provider's own exception has the stack that matters
        }

        /** Why the transfer stopped. */
        public Status status() {
            return status;
        }
    }

    private final int capacity;
    private final int firstArray;
    private final ReentrantLock lock = new ReentrantLock();
    /** Awaited by the reader while the ring is empty; signalled when bytes arrive or an end ends. */
    private final Condition bytes = lock.newCondition();
    /** Awaited by the writer while the ring is full; signalled when room is made or an end ends. */
    private final Condition room = lock.newCondition();

    /** Guarded by {@code lock}; {@code null} until the first transfer, and again after {@link #endReader}. */
    private byte[] array;
    /** Guarded by {@code lock}: a view of {@code array} reused by every copy, so none allocates. */
    private ByteBuffer view;
    /** Guarded by {@code lock}: index in {@code array} of the oldest buffered byte. */
    private int head;
    /** Bytes buffered. Written under {@code lock}; volatile so polls need not lock. */
    private volatile int size;
    /** Guarded by {@code lock}: bytes that ever left the ring (taken, freed or dropped). */
    private long readOffset;
    /** Guarded by {@code lock}: whether a write run is out, so the indices must not rewind. */
    private boolean writeRunOut;
    /** Written under {@code lock}, never reset; volatile for polls. */
    private volatile boolean writerEnded;
    /** Written under {@code lock}, never reset; volatile for polls. */
    private volatile boolean readerEnded;
    /** Written under {@code lock} with {@code writerEnded}, never reset. */
    private volatile IOException writerCause;
    /** Written under {@code lock} with {@code readerEnded}, never reset. */
    private volatile IOException readerCause;

    /**
     * Makes an empty ring.
     *
     * @param capacity the most bytes it holds, at least 1
     * @param firstArray the size of its first array; the capacity, or less to grow on demand
     * @throws IllegalArgumentException naming the bad value
     */
    public ByteRing(int capacity, int firstArray) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ring capacity must be at least 1, not " + capacity);
        }
        if (firstArray < 1) {
            throw new IllegalArgumentException("first ring array must be at least 1 byte, not " + firstArray);
        }
        this.capacity = capacity;
        this.firstArray = Math.min(firstArray, capacity);
    }

    /** The most bytes the ring holds. */
    public int capacity() {
        return capacity;
    }

    /** Takes the ring's lock; see the class description. */
    public void lock() {
        lock.lock();
    }

    /** Releases the ring's lock. */
    public void unlock() {
        lock.unlock();
    }

    /**
     * Under the lock: waits, if {@code blocking}, while the ring is empty and neither end ended.
     *
     * @return the bytes buffered (at least 1), {@link IoChannel#EOF} (the reader ended, or the writer
     *     ended and everything was read) or {@link IoChannel#ERR_BLOCK} (empty, not blocking)
     * @throws Stopped {@link Status#FAILED} or {@link Status#INTERRUPTED}
     */
    public int awaitBytes(boolean blocking) throws Stopped {
        while (size == 0) {
            if (readerEnded || writerEnded && writerCause == null) {
                return IoChannel.EOF;
            }
            if (writerEnded) {
                throw new Stopped(Status.FAILED, writerCause);
            }
            if (!blocking) {
                return IoChannel.ERR_BLOCK;
            }
            await(bytes);
        }
        return size;
    }

    /**
     * Under the lock: waits, if {@code blocking}, while the ring is full and neither end ended.
     *
     * @return the room (at least 1) or {@link IoChannel#ERR_BLOCK} (full, not blocking)
     * @throws Stopped {@link Status#SHUT_DOWN}, {@link Status#BROKEN} or {@link Status#INTERRUPTED}
     */
    public int awaitRoom(boolean blocking) throws Stopped {
        while (true) {
            if (writerEnded) {
                throw new Stopped(Status.SHUT_DOWN, null);
            }
            if (readerEnded) {
                throw new Stopped(Status.BROKEN, readerCause);
            }
            if (size < capacity) {
                return capacity - size;
            }
            if (!blocking) {
                return IoChannel.ERR_BLOCK;
            }
            await(room);
        }
    }

    private void await(Condition c) throws Stopped {
        try {
            c.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped(Status.INTERRUPTED, null);
        }
    }

    /**
     * Under the lock: moves up to {@code max} buffered bytes into {@code iov}, oldest first, and
     * wakes the writer if it waits for room.
     *
     * @return the bytes moved
     */
    public int take(ByteBuffer[] iov, int max) {
        max = Math.min(max, size);
        if (max <= 0) {
            return 0;
        }
        int first = Math.min(max, array.length - head);
        int n = Iov.fill(iov, run(head, first), first);
        if (n == first && n < max) { // the bytes wrap round to the array's start
            n += Iov.fill(iov, run(0, max - n), max - n);
        }
        free(n);
        return n;
    }

    /**
     * Under the lock: moves up to {@code max} bytes from {@code iov} into the free space, no more
     * than fits, and wakes the reader if it waits for bytes.
     *
     * @return the bytes moved
     */
    public int put(ByteBuffer[] iov, int max) {
        max = (int) Math.min(Math.min(max, capacity - size), Iov.remaining(iov));
        if (max <= 0) {
            return 0;
        }
        reserve(size + max);
        int tail = tail();
        int first = Math.min(max, array.length - tail);
        int n = Iov.drain(iov, run(tail, first), first);
        if (n == first && n < max) { // the free space wraps round to the array's start
            n += Iov.drain(iov, run(0, max - n), max - n);
        }
        size += n;
        bytes.signal(); // wakes the reader, if it waits for bytes
        return n;
    }

    /** Under the lock: the stream offset of the oldest buffered byte (every byte that left before it counted). */
    public long readOffset() {
        return readOffset;
    }

    /** Under the lock: the bytes buffered. Also a lock-free poll, for tests and gauges. */
    public int size() {
        return size;
    }

    /**
     * Reads into {@code iov}: waits as {@link #awaitBytes}, then moves what is buffered, as much as
     * fits. Takes the lock itself.
     *
     * @return bytes moved (at least 1 when {@code iov} has room), {@link IoChannel#EOF} or
     *     {@link IoChannel#ERR_BLOCK}
     * @throws Stopped as {@link #awaitBytes}
     */
    public long read(ByteBuffer[] iov, boolean blocking) throws Stopped {
        lock.lock();
        try {
            int status = awaitBytes(blocking);
            return status < 0 ? status : take(iov, status);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes from {@code iov}: waits as {@link #awaitRoom}, then moves as much as fits. Takes the
     * lock itself.
     *
     * @return bytes moved (at least 1 when {@code iov} has bytes) or {@link IoChannel#ERR_BLOCK}
     * @throws Stopped as {@link #awaitRoom}
     */
    public long write(ByteBuffer[] iov, boolean blocking) throws Stopped {
        lock.lock();
        try {
            int status = awaitRoom(blocking);
            return status < 0 ? status : put(iov, status);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, for a reading pump: waits, not interruptibly, for bytes, and gives the oldest
     * contiguous run of them (at most {@code max}), which starts at {@link #readRunStart()} in
     * {@link #array()}. The pump writes it out without the lock, then calls {@link #consumed}.
     *
     * @return the run's length, or {@link IoChannel#EOF} once the writer ended and the ring is drained
     *     or the reader ended
     */
    public int awaitReadRun(int max) {
        while (size == 0 && !writerEnded && !readerEnded) {
            bytes.awaitUninterruptibly(); // a put or an end signals
        }
        if (size == 0 || readerEnded) {
            return IoChannel.EOF;
        }
        return Math.min(Math.min(size, array.length - head), max);
    }

    /** Under the lock: where the run {@link #awaitReadRun} gave starts in {@link #array()}. */
    public int readRunStart() {
        return head;
    }

    /** Frees the {@code n} oldest bytes, a read run the pump has written out, and wakes the writer. Takes the lock. */
    public void consumed(int n) {
        lock.lock();
        try {
            if (!readerEnded) {
                free(n);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, for a writing pump: waits, not interruptibly, for room, and gives the contiguous
     * free run after the buffered bytes, which starts at {@link #writeRunStart()} in {@link #array()}
     * (made full size if it was not). The pump fills it without the lock, then calls {@link #produced}.
     * Once the reader ended there is always room: what the pump commits then is dropped.
     *
     * @return the run's length, at least 1
     */
    public int awaitWriteRun() {
        while (size == capacity && !readerEnded) {
            room.awaitUninterruptibly(); // a take, a free or an end signals
        }
        reserve(capacity);
        writeRunOut = true;
        return Math.min(capacity - size, array.length - tail());
    }

    /** Under the lock: where the run {@link #awaitWriteRun} gave starts in {@link #array()}. */
    public int writeRunStart() {
        return tail();
    }

    /**
     * Commits {@code n} bytes the pump read into its write run (0 if none) and wakes the reader; drops
     * them if the reader ended meanwhile. Takes the lock.
     */
    public void produced(int n) {
        lock.lock();
        try {
            writeRunOut = false;
            if (!readerEnded) {
                size += n;
            }
            bytes.signal(); // wakes the reader, if it waits for bytes
        } finally {
            lock.unlock();
        }
    }

    /**
     * The array behind the ring, for a pump's run; fetch it with the run, under the lock. It stays
     * the same while a run is out.
     */
    public byte[] array() {
        return array;
    }

    /**
     * Ends the writer side: see the class description. A writing pump calls it at the end of its
     * stream ({@code cause} {@code null}) or when the stream fails.
     */
    public void endWriter(IOException cause) {
        lock.lock();
        try {
            if (!writerEnded) {
                writerCause = cause;
                writerEnded = true;
            }
            writeRunOut = false;
            bytes.signalAll(); // wakes the reader: it drains, then ends
            room.signalAll(); // wakes a writer waiting for room: it now fails
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the reader side, dropping the buffered bytes: see the class description. A reading pump
     * calls it with the cause when its stream fails.
     */
    public void endReader(IOException cause) {
        lock.lock();
        try {
            if (!readerEnded) {
                readerCause = cause;
                readerEnded = true;
            }
            readOffset += size;
            size = 0;
            head = 0;
            if (!writeRunOut) { // nothing can be written any more: let the memory go
                array = null;
                view = null;
            }
            bytes.signalAll(); // wakes the reader: it reads EOF
            room.signalAll(); // wakes a writer waiting for room: it gets a broken pipe
        } finally {
            lock.unlock();
        }
    }

    /** Whether a read would not wait: bytes, or an end. Lock-free. */
    public boolean readable() {
        return size > 0 || writerEnded || readerEnded;
    }

    /** Whether the ring has room for a byte; a write may still fail ({@link #writeFails()}). Lock-free. */
    public boolean hasRoom() {
        return size < capacity;
    }

    /** Whether a write would fail at once: either end ended. Lock-free. */
    public boolean writeFails() {
        return writerEnded || readerEnded;
    }

    /** Whether the writer side ended. Lock-free. */
    public boolean writerEnded() {
        return writerEnded;
    }

    /** The cause the writer side ended with, or {@code null}. Lock-free. */
    public IOException writerCause() {
        return writerCause;
    }

    /** Under the lock: the reusable view of {@code length} bytes from {@code from}. */
    private ByteBuffer run(int from, int length) {
        return view.limit(from + length).position(from);
    }

    /** Under the lock: index in {@code array} just after the newest buffered byte. */
    private int tail() {
        if (array == null) {
            return 0;
        }
        int tail = head + size;
        return tail >= array.length ? tail - array.length : tail;
    }

    /** Under the lock: drops the {@code n} oldest bytes and wakes the writer. */
    private void free(int n) {
        head += n;
        if (head >= array.length) {
            head -= array.length;
        }
        size -= n;
        readOffset += n;
        if (size == 0 && !writeRunOut) {
            head = 0; // keeps the next write in one run
        }
        room.signal(); // wakes the writer, if it waits for the room just made
    }

    /**
     * Under the lock: makes the array hold at least {@code needed} bytes (at most the capacity),
     * doubling from {@code firstArray}; a new array gets the buffered bytes at its start.
     */
    private void reserve(int needed) {
        int length = array == null ? 0 : array.length;
        if (needed <= length) {
            return;
        }
        int grown = Math.max(firstArray, length);
        while (grown < needed) {
            grown = grown > capacity / 2 ? capacity : grown * 2;
        }
        byte[] bigger = new byte[Math.min(grown, capacity)];
        if (size > 0) {
            int first = Math.min(size, length - head); // the buffered bytes, unwrapped
            System.arraycopy(array, head, bigger, 0, first);
            System.arraycopy(array, 0, bigger, first, size - first);
        }
        array = bigger;
        view = ByteBuffer.wrap(array);
        head = 0;
    }

    @Override
    public String toString() {
        return "ByteRing[" + size + "/" + capacity + (writerEnded ? ", writer ended" : "")
                + (readerEnded ? ", reader ended" : "") + "]";
    }
}
