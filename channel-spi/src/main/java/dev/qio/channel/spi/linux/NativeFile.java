package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import dev.qio.channel.spi.Iov;
import java.nio.ByteBuffer;

/**
 * A descriptor that is not a socket (a file, a pipe, a terminal, a device), adopted by number:
 * what QEMU's {@code qio_channel_file_new_fd} wraps, on direct system calls.
 *
 * <p>The calls ({@code read}, {@code write}, {@code pread}, {@code pwrite}) are linked normally,
 * not critical: a regular file's read can wait for a disk, and a critical call would hold off the
 * JVM's safepoints meanwhile. So they take native memory only: a lone direct buffer is used in
 * place, and anything else (a heap buffer, several buffers) goes through a 64 KiB native buffer per
 * direction, made on first need.
 * The descriptor must be non-blocking ({@link Adoption#prepare}): a pipe or terminal then answers
 * EAGAIN, and the caller waits through {@link #fd()}; a regular file never does.
 *
 * <p>Threads: one reader and one writer at a time; {@code pread} counts as a read, {@code pwrite}
 * as a write.
 */
public final class NativeFile {
    private static final int BOUNCE = 64 << 10;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle READ = bind("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = bind("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle PREAD = bind("pread", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle PWRITE = bind("pwrite", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle LSEEK = LINKER.downcallHandle(LINKER.defaultLookup().find("lseek").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO, Linker.Option.critical(true));

    private final PolledFd fd;
    private final Direction reads = new Direction();
    private final Direction writes = new Direction();

    /** A direction's errno slot and bounce buffer, both native (a normal downcall takes no heap memory). */
    private static final class Direction {
        final MemorySegment errno = Arena.ofAuto().allocate(JAVA_INT);
        MemorySegment bounce;
        ByteBuffer bounceBuffer;

        MemorySegment bounce() {
            if (bounce == null) {
                bounce = Arena.ofAuto().allocate(BOUNCE, 8);
                bounceBuffer = bounce.asByteBuffer();
            }
            return bounce;
        }

        /** The bounce buffer as a {@code ByteBuffer}, cleared; after {@link #bounce()}. */
        ByteBuffer bounceBuffer() {
            return bounceBuffer.clear();
        }
    }

    /** Takes {@code fd}, which must be non-blocking; closing this object closes it. */
    public NativeFile(int fd) {
        this.fd = new PolledFd(fd);
    }

    /** The descriptor: readiness, waiting and lifetime. */
    public PolledFd fd() {
        return fd;
    }

    /**
     * One {@code read} (or {@code pread} at {@code offset} when it is not negative) into the live
     * part of {@code iov}, advancing the positions.
     *
     * @return bytes read ({@code > 0}), 0 at end of file, or {@link IoChannel#ERR_BLOCK} (the
     *     readiness has been told)
     */
    public long read(ByteBuffer[] iov, long offset, String name) throws IOException {
        return transfer(false, iov, offset, name);
    }

    /**
     * One {@code write} (or {@code pwrite} at {@code offset} when it is not negative) from the
     * live part of {@code iov}, advancing the positions.
     *
     * @return bytes written ({@code > 0}) or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     */
    public long write(ByteBuffer[] iov, long offset, String name) throws IOException {
        return transfer(true, iov, offset, name);
    }

    /**
     * A lone direct buffer is used in place; anything else goes through the bounce buffer, up to
     * 64 KiB per call, so an iov of many small buffers costs one call per 64 KiB, not one per buffer.
     */
    private long transfer(boolean write, ByteBuffer[] iov, long offset, String name) throws IOException {
        Direction d = write ? writes : reads;
        ByteBuffer first = iov[Iov.firstWithRemaining(iov)];
        long live = Iov.remaining(iov);
        boolean inPlace = first.isDirect() && first.remaining() == live;
        MemorySegment at = inPlace ? MemorySegment.ofBuffer(first) : d.bounce();
        long want = inPlace ? live : Math.min(live, BOUNCE);
        if (write && !inPlace) {
            gather(iov, d.bounceBuffer(), (int) want);
        }
        long n;
        int h = fd.acquire(name);
        try {
            do {
                n = call(write, offset, d.errno, h, at, want);
            } while (n < 0 && Sys.errno(d.errno) == Sys.EINTR);
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (inPlace) {
                first.position(first.position() + (int) n);
            } else if (write) {
                Iov.drain(iov, d.bounceBuffer().limit((int) n), (int) n); // advances the iov past what went out
            } else {
                Iov.fill(iov, d.bounceBuffer().limit((int) n), (int) n);
            }
            return n;
        }
        if (n == 0 && !write) {
            return 0; // end of file
        }
        int e = n == 0 ? 0 : Sys.errno(d.errno); // a write of 0 bytes out of some: no errno to tell
        if (e != Sys.EAGAIN) {
            throw new IOException(e == 0 ? "write moved no byte" : Sys.strerror(e));
        }
        fd.blocked(write ? IoCondition.OUT : IoCondition.IN);
        return IoChannel.ERR_BLOCK;
    }

    /** Copies the first {@code max} live bytes of {@code iov} into {@code dst} without moving the iov. */
    private static void gather(ByteBuffer[] iov, ByteBuffer dst, int max) {
        for (int i = 0, at = 0; at < max && i < iov.length; i++) {
            int k = Math.min(iov[i].remaining(), max - at);
            dst.put(at, iov[i], iov[i].position(), k);
            at += k;
        }
    }

    /** One of the four calls; each handle is invoked at a call site of its own (a constant for the JIT). */
    private static long call(boolean write, long offset, MemorySegment errno, int h, MemorySegment at, long want) {
        try {
            if (offset < 0) {
                if (write) {
                    return (long) WRITE.invokeExact(errno, h, at, want);
                }
                return (long) READ.invokeExact(errno, h, at, want);
            }
            if (write) {
                return (long) PWRITE.invokeExact(errno, h, at, want, offset);
            }
            return (long) PREAD.invokeExact(errno, h, at, want, offset);
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

    /** Closes the descriptor; see {@link PolledFd#close()}. */
    public void close() throws IOException {
        int e = fd.close();
        if (e != 0) {
            throw new IOException("close: " + Sys.strerror(e));
        }
    }

    private static MethodHandle bind(String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), FunctionDescriptor.of(ret, args), ERRNO);
    }

    @Override
    public String toString() {
        return "NativeFile[" + fd + "]";
    }
}
