package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * A non-blocking descriptor that is not a socket, moved with {@code read(2)} and {@code write(2)}
 * ({@code pread}/{@code pwrite} at an offset): a descriptor adopted by number ({@code fd:N},
 * QEMU's {@code qio_channel_file_new_fd}), a pipe to or from a child ({@code command:}), a FIFO or
 * a character device ({@code file:}).
 *
 * <h2>Two ways to call the kernel</h2>
 * What a descriptor may do inside a read or write decides how the calls are linked
 * ({@link Blocking}):
 * <ul>
 *   <li>{@link Blocking#NEVER_BLOCKS}: a pipe, a FIFO or a character device. Non-blocking, it
 *       answers EAGAIN instead of waiting, so every call returns at once and is linked
 *       {@linkplain Linker.Option#critical(boolean) critical with heap access}: no thread-state
 *       transition, and a heap buffer's array goes to the kernel in place.
 *   <li>{@link Blocking#MAY_BLOCK}: a regular file, or a descriptor whose kind is not known.
 *       {@code O_NONBLOCK} does not apply to regular files: a read can wait for a disk, and a
 *       critical call would hold off the JVM's safepoints (every other thread's GC) as long. So
 *       the calls are linked normally, and a normal call takes native memory only: a heap buffer
 *       goes through the bounce buffer, and the errno slots are native.
 * </ul>
 *
 * <h2>Buffers</h2>
 * An iov with one live buffer the call can take as it is (a direct buffer; a heap buffer too when
 * critical) goes to the kernel with no copy. Anything else is gathered into (scattered from) a
 * 64 KiB native bounce buffer per direction, made on first need, so that one call moves it all: an
 * {@code iovec} cannot hold a heap address, and a call per buffer would cost a system call per byte
 * on an iov of one-byte buffers. {@code pread}/{@code pwrite} are always linked normally (only a
 * file that can seek takes them).
 *
 * <p>Reads and writes return {@link IoChannel#ERR_BLOCK} on EAGAIN after telling the
 * {@link PolledFd}, and the caller waits through {@link #fd()}.
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks guarantee it), plus one
 * {@link #drain} beside the reader; each has its own errno slot. {@code pread} counts as a read,
 * {@code pwrite} as a write. {@link #close()} may be called from any thread and wakes every waiter.
 */
public final class NativeFile {
    /** What the kernel may do inside a read or write on the descriptor; see the class description. */
    public enum Blocking {
        /** A regular file (or an unknown kind): calls linked normally, native memory only. */
        MAY_BLOCK,
        /** A pipe, FIFO or character device: calls linked critical, heap arrays in place. */
        NEVER_BLOCKS
    }

    /** The most one call moves for an iov it cannot take in place, through the bounce buffer. */
    private static final int BOUNCE = 64 << 10;

    private static final Linker LINKER = Linker.nativeLinker();

    // Never blocks: critical. The *_AT forms take a raw native address, so a direct buffer costs no segment.
    private static final MethodHandle READ_AT = Sys.linkCritical("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE_AT = Sys.linkCritical("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    // May block: linked normally, native addresses only.
    private static final MethodHandle READ_AT_SLOW =
            Sys.linkBlocking("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE_AT_SLOW =
            Sys.linkBlocking("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle PREAD_AT =
            Sys.linkBlocking("pread", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle PWRITE_AT =
            Sys.linkBlocking("pwrite", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle LSEEK = LINKER.downcallHandle(
            LINKER.defaultLookup().find("lseek").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT),
            Linker.Option.captureCallState("errno"),
            Linker.Option.critical(true));

    private final PolledFd fd;
    private final boolean critical;
    private final Direction reads;
    private final Direction writes;
    /** The {@link #drain} thread's; made by it on its first call. */
    private Direction drains;

    /** What one direction reuses from call to call: its errno slot, its bounce buffer, its last direct buffer's address. */
    private static final class Direction extends DirectAddress {
        final MemorySegment errno;
        ByteBuffer bounce;

        /** A critical call may take a heap errno slot; a normal one needs native memory. */
        Direction(boolean critical) {
            errno = critical
                    ? MemorySegment.ofArray(new int[1])
                    : Arena.ofAuto().allocate(JAVA_INT);
        }

        ByteBuffer bounce() {
            if (bounce == null) {
                bounce = Arena.ofAuto().allocate(BOUNCE, 8).asByteBuffer();
            }
            return bounce.clear();
        }
    }

    /**
     * Takes ownership of {@code fd}, which must be non-blocking ({@link Adoption#prepare}); closing
     * this object closes it. With {@link Blocking#NEVER_BLOCKS} the descriptor's hang-up holds for
     * good once seen, as a pipe's does (every writer, or the reader, closed).
     */
    public NativeFile(int fd, Blocking blocking) {
        this.critical = blocking == Blocking.NEVER_BLOCKS;
        this.fd = new PolledFd(fd, critical);
        this.reads = new Direction(critical);
        this.writes = new Direction(critical);
    }

    /**
     * A pipe end this process made: takes ownership of {@code fd}, makes it non-blocking and
     * close-on-exec ({@link Adoption#prepare}: {@code O_NONBLOCK} is a flag of its open file
     * description, which no other process shares) and moves it as {@link Blocking#NEVER_BLOCKS}.
     *
     * @throws IOException if {@code fcntl} fails; {@code fd} is closed then
     */
    static NativeFile pipeEnd(int fd, String name) throws IOException {
        try {
            Adoption.prepare(fd, name);
        } catch (IOException e) {
            Sys.close(fd);
            throw e;
        }
        return new NativeFile(fd, Blocking.NEVER_BLOCKS);
    }

    /** The descriptor: readiness, waiting and lifetime. */
    public PolledFd fd() {
        return fd;
    }

    /**
     * One {@code read} into the live part of {@code iov}, advancing the positions.
     *
     * @return bytes read ({@code > 0}), 0 at end of stream (end of file, or every writer of a pipe
     *     closed), or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason
     */
    public long read(ByteBuffer[] iov, String name) throws IOException {
        return transfer(false, reads, iov, -1, name);
    }

    /** As {@link #read(ByteBuffer[], String)}, with {@code pread} at {@code offset} when it is not negative. */
    public long read(ByteBuffer[] iov, long offset, String name) throws IOException {
        return transfer(false, reads, iov, offset, name);
    }

    /**
     * {@link #read(ByteBuffer[], String)} for one second reader beside the channel's (a thread that
     * drops what nobody will read any more): it has an errno slot of its own, so the two never mix
     * up their errors.
     */
    public long drain(ByteBuffer[] iov, String name) throws IOException {
        if (drains == null) {
            drains = new Direction(critical);
        }
        return transfer(false, drains, iov, -1, name);
    }

    /**
     * One {@code write} from the live part of {@code iov}, advancing the positions. A pipe with no
     * reader left fails with EPIPE ("Broken pipe"): the JVM ignores SIGPIPE, so it does not die of it.
     *
     * @return bytes written ({@code > 0}) or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason
     */
    public long write(ByteBuffer[] iov, String name) throws IOException {
        return transfer(true, writes, iov, -1, name);
    }

    /** As {@link #write(ByteBuffer[], String)}, with {@code pwrite} at {@code offset} when it is not negative. */
    public long write(ByteBuffer[] iov, long offset, String name) throws IOException {
        return transfer(true, writes, iov, offset, name);
    }

    private long transfer(boolean write, Direction d, ByteBuffer[] iov, long offset, String name) throws IOException {
        int from = Iov.firstWithRemaining(iov);
        ByteBuffer first = iov[from];
        long live = Iov.remaining(iov);
        boolean inPlace = first.remaining() == live && (first.isDirect() || critical && offset < 0);
        ByteBuffer b = inPlace ? first : d.bounce();
        if (!inPlace) {
            b.limit((int) Math.min(BOUNCE, live));
            if (write) {
                gather(iov, from, b);
            }
        }
        long n;
        int h = fd.acquire(name);
        try {
            do {
                n = call(write, h, b, offset, d);
            } while (n < 0 && Sys.errno(d.errno) == Sys.EINTR);
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (inPlace) {
                b.position(b.position() + (int) n);
            } else if (write) {
                skip(iov, from, n);
            } else {
                Iov.fill(iov, b.limit((int) n), (int) n);
            }
            return n;
        }
        if (n == 0 && !write) {
            return 0;
        }
        int e = n == 0 ? 0 : Sys.errno(d.errno); // a write of 0 bytes out of some: no errno to tell
        if (e != Sys.EAGAIN) {
            throw new IOException(e == 0 ? "write moved no byte" : Sys.strerror(e));
        }
        fd.blocked(write ? IoCondition.OUT : IoCondition.IN);
        return IoChannel.ERR_BLOCK;
    }

    /**
     * Copies the live part of {@code iov} from {@code from} into {@code dst} up to its limit,
     * without moving the iov (the write may take less).
     */
    private static void gather(ByteBuffer[] iov, int from, ByteBuffer dst) {
        for (int i = from, at = 0; at < dst.limit() && i < iov.length; i++) {
            int k = Math.min(iov[i].remaining(), dst.limit() - at);
            dst.put(at, iov[i], iov[i].position(), k);
            at += k;
        }
    }

    /** Advances the iov from {@code from} past the {@code n} bytes a gathered write moved. */
    private static void skip(ByteBuffer[] iov, int from, long n) {
        for (int i = from; n > 0 && i < iov.length; i++) {
            int step = (int) Math.min(iov[i].remaining(), n);
            iov[i].position(iov[i].position() + step);
            n -= step;
        }
    }

    /** One system call; each handle is invoked at a call site of its own (a constant for the JIT). */
    private long call(boolean write, int h, ByteBuffer b, long offset, Direction d) {
        long len = b.remaining();
        try {
            if (!b.isDirect()) { // critical only, see transfer
                MemorySegment s = MemorySegment.ofBuffer(b);
                return write
                        ? (long) Sys.WRITE.invokeExact(d.errno, h, s, len)
                        : (long) Sys.READ.invokeExact(d.errno, h, s, len);
            }
            long at = d.address(b);
            if (offset >= 0) {
                return write
                        ? (long) PWRITE_AT.invokeExact(d.errno, h, at, len, offset)
                        : (long) PREAD_AT.invokeExact(d.errno, h, at, len, offset);
            }
            if (critical) {
                return write
                        ? (long) WRITE_AT.invokeExact(d.errno, h, at, len)
                        : (long) READ_AT.invokeExact(d.errno, h, at, len);
            }
            return write
                    ? (long) WRITE_AT_SLOW.invokeExact(d.errno, h, at, len)
                    : (long) READ_AT_SLOW.invokeExact(d.errno, h, at, len);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * {@code lseek}.
     *
     * @param whence 0 (SET), 1 (CUR) or 2 (END)
     * @return the new offset
     * @throws IOException if the descriptor cannot seek ({@code ESPIPE} for a pipe), naming {@code name}
     */
    public long seek(long offset, int whence, String name) throws IOException {
        MemorySegment err = Sys.errnoSlot();
        long r;
        int h = fd.acquire(name);
        try {
            r = (long) LSEEK.invokeExact(err, h, offset, whence);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
        if (r < 0) {
            throw new IOException(name + ": lseek: " + Sys.strerror(Sys.errno(err)));
        }
        return r;
    }

    /** Whether the descriptor can seek (QEMU's test for SEEKABLE: {@code lseek(fd, 0, SEEK_CUR)} succeeds). */
    public boolean seekable(String name) {
        try {
            seek(0, 1, name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the descriptor, waking every thread waiting on it; see {@link PolledFd#close()}. Idempotent. */
    public void close() throws IOException {
        int e = fd.close();
        if (e != 0) {
            throw new IOException("close: " + Sys.strerror(e));
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + fd + (critical ? ", never blocks]" : ", may block]");
    }
}
