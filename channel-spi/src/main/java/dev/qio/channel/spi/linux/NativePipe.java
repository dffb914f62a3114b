package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.FutureTask;

/**
 * One end of a pipe, a FIFO or a character device on a non-blocking Linux descriptor, moved with
 * {@code read(2)} and {@code write(2)}: what the native {@code command:} channels (a child's stdin
 * and stdout) and the native {@code file:} channels on FIFOs are made of.
 *
 * <p>Reads and writes never block; they return {@link IoChannel#ERR_BLOCK} on EAGAIN (after
 * telling the {@link PolledFd}) and the caller waits through {@link #fd()}. An iov with one live
 * buffer goes to the kernel as it is, with no copy: a heap buffer's array through a critical
 * downcall, a direct buffer by its address. An iov of several is gathered into (scattered from) a
 * 64 KiB native bounce buffer per direction, made on first need, so that one system call moves
 * them all: an {@code iovec} cannot hold a heap address, and a call per buffer would cost a
 * system call per byte on an iov of one-byte buffers.
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks guarantee it); each
 * direction has its own errno slot. {@link #close()} may be called from any thread and wakes both.
 */
public final class NativePipe {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0x100;
    static final int O_APPEND = 0x400;
    static final int O_CLOEXEC = 0x80000;
    private static final int ENXIO = 6;
    /** The most one call moves for an iov of several buffers, through the bounce buffer. */
    private static final int BOUNCE = 64 << 10;

    /** open(2) without a mode (no O_CREAT here); may block (a FIFO waits for its other end), so not critical. */
    private static final MethodHandle OPEN = Sys.linkBlocking("open", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle READ_AT = Sys.linkCritical("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE_AT = Sys.linkCritical("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);

    private final PolledFd fd;
    private final Direction reads = new Direction();
    private final Direction writes = new Direction();
    private final Direction drains = new Direction();

    /** What one direction reuses from call to call: its errno slot and its last direct buffer's address. */
    private static final class Direction {
        final MemorySegment errno = MemorySegment.ofArray(new int[1]);
        ByteBuffer lastDirect;
        long lastBase;

        /** Where an iov of several buffers is gathered or scattered; null until first needed. */
        ByteBuffer bounce;
        long bounceAddress;

        ByteBuffer bounce() {
            if (bounce == null) {
                MemorySegment s = Arena.ofAuto().allocate(BOUNCE, 8);
                bounce = s.asByteBuffer();
                bounceAddress = s.address();
            }
            return bounce.clear();
        }

        long address(ByteBuffer direct) {
            if (direct != lastDirect) {
                lastBase = MemorySegment.ofBuffer(direct).address() - direct.position();
                lastDirect = direct;
            }
            return lastBase + direct.position();
        }
    }

    private NativePipe(int fd) {
        this.fd = new PolledFd(fd, true);
    }

    /**
     * Takes ownership of {@code fd}, a descriptor this process opened, and makes it non-blocking
     * and close-on-exec ({@link Adoption#prepare}; {@code O_NONBLOCK} is a flag of its open file
     * description, which no other process shares).
     *
     * @throws IOException if {@code fcntl} fails; {@code fd} is closed then
     */
    static NativePipe adopt(int fd, String name) throws IOException {
        try {
            Adoption.prepare(fd, name);
        } catch (IOException e) {
            Sys.close(fd);
            throw e;
        }
        return new NativePipe(fd);
    }

    /**
     * Opens {@code path}, a FIFO or a character device, close-on-exec, then makes the descriptor
     * non-blocking. The open itself blocks as {@code open(2)} does: a FIFO's waits until its other
     * end is opened. A virtual thread never makes that call itself: a platform thread started for
     * the open makes it while the virtual thread waits for it, parked, so no carrier is held.
     *
     * @param access {@code "r"}, {@code "w"}, {@code "rw"} or {@code "a"} (append)
     * @throws NoSuchFileException, AccessDeniedException or FileSystemException naming the path
     *     with the kernel's reason
     */
    public static NativePipe open(Path path, String access, String name) throws IOException {
        int flags = O_CLOEXEC | O_NOCTTY | switch (access) {
            case "r" -> O_RDONLY;
            case "w" -> O_WRONLY;
            case "rw" -> O_RDWR;
            case "a" -> O_WRONLY | O_APPEND;
            default -> throw new IllegalArgumentException("access '" + access + "' is not r, w, rw or a");
        };
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        byte[] cPath = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        int[] result = Thread.currentThread().isVirtual() ? openOffCarrier(cPath, flags) : openHere(cPath, flags);
        if (result[0] < 0) {
            throw openFailure(path, name, result[1]);
        }
        return adopt(result[0], name);
    }

    /**
     * {@code open(2)} on this thread: {descriptor or -1, errno}. The call is linked normally (it
     * may block), so the path and the errno slot must be native memory.
     */
    private static int[] openHere(byte[] cPath, int flags) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment p = arena.allocate(cPath.length);
            MemorySegment.copy(cPath, 0, p, JAVA_BYTE, 0, cPath.length);
            do {
                fd = (int) OPEN.invokeExact(err, p, flags);
            } while (fd < 0 && Sys.errno(err) == Sys.EINTR);
            return new int[] {fd, fd < 0 ? Sys.errno(err) : 0};
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * {@code open(2)} on a platform thread of its own while the calling virtual thread parks. An
     * interrupt does not end the wait (an {@code open(2)} cannot be called back); it stays set.
     */
    private static int[] openOffCarrier(byte[] cPath, int flags) {
        FutureTask<int[]> task = new FutureTask<>(() -> openHere(cPath, flags));
        Thread opener = Thread.ofPlatform().name("qio-fifo-open").daemon(true).start(task);
        boolean interrupted = false;
        while (true) {
            try {
                opener.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw Sys.rethrow(e.getCause());
        } catch (InterruptedException e) {
            throw new IllegalStateException("unreachable: the task is done", e);
        }
    }

    private static FileSystemException openFailure(Path path, String name, int errno) {
        String reason = "cannot open " + name + ": " + Sys.strerror(errno);
        return switch (errno) {
            case Sys.ENOENT -> new NoSuchFileException(path.toString(), null, reason);
            case Sys.EACCES, 1 /* EPERM */ -> new AccessDeniedException(path.toString(), null, reason);
            case ENXIO -> new FileSystemException(path.toString(), null, reason + " (no process has the other end open)");
            default -> new FileSystemException(path.toString(), null, reason);
        };
    }

    /** The descriptor: readiness, waiting and lifetime. */
    public PolledFd fd() {
        return fd;
    }

    /**
     * One {@code read(2)} into the first buffer of {@code iov} with room, advancing its position.
     *
     * @return bytes read ({@code > 0}), 0 at end of stream (every writer closed), or
     *     {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason
     */
    public long read(ByteBuffer[] iov, String name) throws IOException {
        return transfer(false, reads, iov, name);
    }

    /**
     * {@link #read} for a second reader beside the channel's one (a thread that drops what nobody
     * will read any more): it has an errno slot of its own, so the two never mix up their errors.
     */
    public long drain(ByteBuffer[] iov, String name) throws IOException {
        return transfer(false, drains, iov, name);
    }

    /**
     * One {@code write(2)} from the first buffer of {@code iov} with bytes, advancing its position.
     * A pipe with no reader left fails with EPIPE ("Broken pipe"): the JVM does not die of
     * SIGPIPE, it ignores the signal.
     *
     * @return bytes written ({@code > 0}) or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason
     */
    public long write(ByteBuffer[] iov, String name) throws IOException {
        return transfer(true, writes, iov, name);
    }

    private long transfer(boolean write, Direction d, ByteBuffer[] iov, String name) throws IOException {
        int from = Iov.firstWithRemaining(iov);
        boolean several = from + 1 < iov.length && Iov.remaining(iov) > iov[from].remaining();
        ByteBuffer b = several ? d.bounce() : iov[from];
        if (several && write) {
            gather(iov, from, b);
            b.flip();
        } else if (several) {
            b.limit((int) Math.min(BOUNCE, Iov.remaining(iov)));
        }
        long n;
        int h = fd.acquire(name);
        try {
            do {
                n = call(write, h, b, d);
            } while (n < 0 && Sys.errno(d.errno) == Sys.EINTR);
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (several) {
                if (write) {
                    skip(iov, from, n);
                } else {
                    b.limit((int) n);
                    scatter(b, iov, from);
                }
            } else {
                b.position(b.position() + (int) n);
            }
            return n;
        }
        if (n == 0 && !write) {
            return 0;
        }
        int e = n == 0 ? Sys.EAGAIN : Sys.errno(d.errno);
        if (e == Sys.EAGAIN) {
            fd.blocked(write ? IoCondition.OUT : IoCondition.IN);
            return IoChannel.ERR_BLOCK;
        }
        throw new IOException(Sys.strerror(e));
    }

    /**
     * Copies the live part of {@code iov} from {@code from}, up to the bounce buffer's size, into
     * {@code dst}: several buffers cost one system call this way, where a {@code writev} would
     * need each heap buffer copied to native memory anyway.
     */
    private static void gather(ByteBuffer[] iov, int from, ByteBuffer dst) {
        for (int i = from; dst.hasRemaining() && i < iov.length; i++) {
            ByteBuffer b = iov[i];
            int k = Math.min(b.remaining(), dst.remaining());
            dst.put(dst.position(), b, b.position(), k);
            dst.position(dst.position() + k);
        }
    }

    /** Delivers what a read put in {@code src} into the iov from {@code from}, advancing it. */
    private static void scatter(ByteBuffer src, ByteBuffer[] iov, int from) {
        for (int i = from; src.hasRemaining() && i < iov.length; i++) {
            ByteBuffer b = iov[i];
            int k = Math.min(b.remaining(), src.remaining());
            b.put(b.position(), src, src.position(), k);
            b.position(b.position() + k);
            src.position(src.position() + k);
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

    private static long call(boolean write, int h, ByteBuffer b, Direction d) {
        try {
            if (b.isDirect()) {
                long at = d.address(b);
                return write ? (long) WRITE_AT.invokeExact(d.errno, h, at, (long) b.remaining())
                        : (long) READ_AT.invokeExact(d.errno, h, at, (long) b.remaining());
            }
            MemorySegment s = MemorySegment.ofBuffer(b);
            return write ? (long) Sys.WRITE.invokeExact(d.errno, h, s, (long) b.remaining())
                    : (long) Sys.READ.invokeExact(d.errno, h, s, (long) b.remaining());
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * Closes the descriptor, waking every thread waiting on it; see {@link PolledFd#close()}.
     * Idempotent.
     */
    public void close() throws IOException {
        int e = fd.close();
        if (e != 0) {
            throw new IOException("close: " + Sys.strerror(e));
        }
    }

    @Override
    public String toString() {
        return "NativePipe[" + fd + "]";
    }
}
