package dev.qio.provider.memory;

import dev.qio.channel.Feature;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.Seek;
import dev.qio.channel.spi.SignalledReadiness;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code buffer:[?capacity=BYTES]}: a growable byte array with a position, QEMU's
 * {@code QIOChannelBuffer} with file semantics instead of its quirks. Feature:
 * {@link Feature#SEEKABLE} only.
 *
 * <ul>
 *   <li>A read copies from the position towards the end and advances the position; at or past
 *       the end it returns {@code EOF}.
 *   <li>A write lands at the position, overwriting and then extending, and advances the position;
 *       writing past the end first fills the gap with zeros. The array doubles as it grows. A
 *       write that would take the buffer past {@link #MAX_SIZE} bytes fails whole with an
 *       {@link IOException}.
 *   <li>{@code preadv}/{@code pwritev} do the same at an absolute offset and leave the position.
 *   <li>{@code seek} honours SET, CUR and END; a negative result is an
 *       {@link IllegalArgumentException}.
 * </ul>
 *
 * <p>One lock guards the array and the position, so a read and a write running at once on two
 * threads (which the base allows) each see the other whole; two reads or two writes are
 * serialised by the base. Nothing ever waits and nothing returns {@code ERR_BLOCK}; non-blocking mode is accepted and
 * changes nothing. Readiness is always {@code IN} and {@code OUT}. {@code capacity} is the first
 * allocation (default 4096, at most {@link #MAX_CAPACITY}), not a limit: a larger one is refused
 * at open, naming the option, rather than taking gigabytes before anything is written; the
 * buffer grows as it is written. An allocation the heap cannot hold, at open or while growing, is
 * an {@link IOException}, not an {@link OutOfMemoryError}. {@code close()} frees the array; a
 * second close does nothing and later I/O throws
 * {@link java.nio.channels.ClosedChannelException}.
 */
final class BufferChannel extends AbstractIoChannel {
    /** The largest buffer: the biggest array every JVM allocates. */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    static final int DEFAULT_CAPACITY = 4096;
    /** The largest first allocation {@code capacity=} may ask for: 64 MiB. */
    static final int MAX_CAPACITY = 64 << 20;

    private static final Readiness ALWAYS = SignalledReadiness.alwaysReady();

    /** Guards the state: the base lets a read and a write run at once, and both use the position. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Guarded by {@code lock}. Bytes at and past {@code size} are always zero (the array only grows,
     * into fresh zeroed memory, and {@code size} never shrinks), which is why a write past the end
     * leaves a gap of zeros without clearing it.
     */
    private byte[] data;
    /** Guarded by {@code lock}: wraps {@code data}, reused so a transfer allocates nothing. */
    private ByteBuffer view;
    /** Guarded by {@code lock}. */
    private int size;
    /** Guarded by {@code lock}; may lie past {@code size} (and past MAX_SIZE) after a seek. */
    private long position;

    private BufferChannel(String name, int capacity) throws IOException {
        super(name);
        setFeature(Feature.SEEKABLE);
        data = allocate(capacity, capacity);
        view = ByteBuffer.wrap(data);
    }

    /**
     * Opens {@code buffer:[?capacity=BYTES]}.
     *
     * @throws IllegalArgumentException on a target after {@code buffer:}, an unknown option or a
     *     bad capacity (not ASCII digits with an optional k, m or g, or above {@link #MAX_CAPACITY})
     * @throws IOException if the heap has no room for {@code capacity} bytes
     */
    static BufferChannel open(URI uri) throws IOException {
        UriOptions options = UriOptions.of(uri);
        if (!options.target().isEmpty()) {
            throw new IllegalArgumentException(options.uri() + ": expected buffer:[?capacity=BYTES]");
        }
        int capacity = (int) options.bytes("capacity", DEFAULT_CAPACITY, 0, MAX_CAPACITY);
        options.finish();
        return new BufferChannel(options.uri(), capacity);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) {
        lock.lock();
        try {
            long n = readAt(iov, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        lock.lock();
        try {
            long n = writeAt(iov, position);
            position += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected long implPreadv(ByteBuffer[] iov, long offset) {
        lock.lock();
        try {
            return readAt(iov, offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected long implPwritev(ByteBuffer[] iov, long offset) throws IOException {
        lock.lock();
        try {
            return writeAt(iov, offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected long implSeek(long offset, Whence whence) {
        lock.lock();
        try {
            long base = switch (whence) {
                case SET -> 0;
                case CUR -> position;
                case END -> size;
            };
            long target = Seek.target(name(), offset, whence, base);
            position = target;
            return target;
        } finally {
            lock.unlock();
        }
    }

    /** Under {@code lock}: copies from {@code offset} up to the end into {@code iov}. */
    private long readAt(ByteBuffer[] iov, long offset) {
        if (offset >= size) {
            return EOF;
        }
        int from = (int) offset;
        view.clear().position(from).limit(size);
        return Iov.fill(iov, view, size - from);
    }

    /** Under {@code lock}: copies all of {@code iov} to {@code offset}, growing and zero-filling. */
    private long writeAt(ByteBuffer[] iov, long offset) throws IOException {
        long total = Iov.remaining(iov);
        if (offset > MAX_SIZE - total) {
            throw error(
                    "cannot write " + total + " bytes at offset " + offset + ": a buffer channel holds at most "
                            + MAX_SIZE + " bytes",
                    null);
        }
        int from = (int) offset;
        int end = (int) (offset + total);
        if (end > data.length) {
            grow(end);
        }
        view.clear().position(from).limit(end);
        int n = Iov.drain(iov, view, end - from);
        size = Math.max(size, end);
        return n;
    }

    /** Under {@code lock}: at least doubles the array, copying only the bytes in use. */
    private void grow(int needed) throws IOException {
        int doubled = (int) Math.min(MAX_SIZE, Math.max(64L, 2L * data.length));
        byte[] bigger = allocate(Math.max(needed, doubled), needed);
        System.arraycopy(data, 0, bigger, 0, size);
        data = bigger;
        view = ByteBuffer.wrap(data);
    }

    /**
     * A zeroed array of {@code wanted} bytes, or of {@code needed} (at most {@code wanted}) when
     * the heap has no room for the larger one: one failed allocation of one array leaves the JVM
     * as it was, so it is reported as an I/O error of this channel.
     */
    private byte[] allocate(int wanted, int needed) throws IOException {
        try {
            return new byte[wanted];
        } catch (OutOfMemoryError e) {
            if (needed < wanted) {
                return allocate(needed, needed);
            }
            throw error("cannot allocate " + needed + " bytes: the Java heap has no room for them (see -Xmx)", null);
        }
    }

    @Override
    protected void implClose() {
        lock.lock();
        try {
            data = new byte[0]; // let the memory go; the base refuses all I/O from now on
            view = ByteBuffer.wrap(data);
            size = 0;
            position = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected Readiness readiness() {
        return ALWAYS;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing ever waits, so both modes behave the same.
    }
}
