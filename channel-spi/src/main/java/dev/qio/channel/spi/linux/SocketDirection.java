package dev.qio.channel.spi.linux;

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

/**
 * One direction of a {@link NativeSocket}, reading or writing: the one system call that moves
 * bytes between an iov and the socket, with the scratch it keeps from call to call.
 *
 * <p>How an iov goes to the kernel: a single buffer as it is (a heap buffer through a critical
 * downcall with heap access, a direct buffer by address); several direct buffers to
 * {@code recvmsg}/{@code sendmsg} in one call; several with a heap one among them through a 64 KiB
 * native bounce buffer, made on first need (the kernel cannot be given a heap address inside an
 * {@code iovec}, and one call per buffer would cost a system call per buffer). A call with a
 * control buffer (descriptors) is always {@code recvmsg}/{@code sendmsg}, and so bounces a lone
 * heap buffer too. A read that waits in the kernel ({@link KernelRead}) is one {@code recv}: into
 * a lone direct buffer as it is, else through the bounce buffer, since a call that may block
 * cannot be given the heap.
 *
 * <p>errno is captured into the direction's slot of {@link FdScratch} and read before the
 * descriptor is released. Nothing is allocated per call once the scratch a kind of iov needs is
 * made. Threads: one at a time (the socket's one reader, or its one writer).
 */
final class SocketDirection extends DirectAddress {
    private static final int IOVEC = 16;
    private static final int MSGHDR = 56;
    private static final int BOUNCE = 64 << 10;

    private final boolean write;
    /**
     * This direction's errno slot in {@link FdScratch}, taken on the first call: one segment kept,
     * as a slice made per call would be allocated per call. Its table may have been replaced by
     * a larger one since; the slot in the old one stays this number's.
     */
    private MemorySegment errno;
    /**
     * The last heap buffer given, its position then, and its segment from there: kept while both
     * repeat, so that a loop reading into (or writing from) one buffer makes no segment per call.
     */
    private ByteBuffer lastHeap;

    private int lastHeapPosition;
    private MemorySegment lastHeapSegment;
    /** msghdr then iovecs, native, grown on demand; null until a vectored call needs it. */
    private MemorySegment vector;
    /** Where scattered heap buffers go through; null until first needed. */
    private ByteBuffer bounce;

    private long bounceAddress;
    /** The bounce buffer as an iov of one, for a bounced recvmsg/sendmsg. */
    private ByteBuffer[] bounceIov;

    SocketDirection(boolean write) {
        this.write = write;
    }

    /**
     * One system call, retried on EINTR, from the live part of {@code iov} (its first buffer with
     * bytes or room, at most {@link Iov#IOV_MAX} buffers), advancing the positions.
     *
     * @param control descriptors to send or room for those that arrive, or null; with it, the call
     *     offers {@code controlLength} bytes of it
     * @param wait for a read only: wait inside {@code recv} for the first byte (a platform thread
     *     in blocking mode); null never waits
     * @return bytes moved ({@code > 0}); 0 at the end of the stream (reads); or
     *     {@link IoChannel#ERR_BLOCK} once the readiness has been told (or a kernel wait ended
     *     without data: a close, a stray signal)
     * @throws IOException a {@link NativeIoException} with the kernel's reason; a
     *     {@link BadDescriptor} when a descriptor to send is refused
     */
    long transfer(
            PolledFd fd,
            ByteBuffer[] iov,
            int flags,
            ControlMessages control,
            long controlLength,
            KernelRead wait,
            String name)
            throws IOException {
        int from = Iov.firstWithRemaining(iov);
        int count = vectorLength(iov, from);
        if (control != null && count == 1 && !iov[from].isDirect()
                || wait != null && (count != 1 || !iov[from].isDirect())) {
            count = 0;
        }
        long n;
        int e = 0;
        int h = fd.acquire(name);
        try {
            MemorySegment errno = this.errno;
            if (errno == null) {
                long at = FdScratch.at(h) + (write ? FdScratch.WRITER_ERRNO : FdScratch.READER_ERRNO);
                this.errno = errno = FdScratch.table(h).asSlice(at, 4);
            }
            do {
                n = call(fd, h, iov, from, count, flags, control, controlLength, wait, errno, name);
            } while (n == -1 && (e = errno.get(JAVA_INT, 0)) == Sys.EINTR);
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (count == 0 && !write) {
                scatter(bounce, iov, from);
            } else {
                advance(iov, from, n);
            }
            return n;
        }
        if (n == 0 && !write) {
            return 0;
        }
        if (n == IoChannel.ERR_BLOCK || e == Sys.EAGAIN) {
            fd.blocked(write ? IoCondition.OUT : IoCondition.IN);
            return IoChannel.ERR_BLOCK;
        }
        if (e == Sys.EBADF && control != null && write) {
            throw new BadDescriptor(Sys.strerror(e)); // the socket is held open: a descriptor to send is bad
        }
        throw new NativeIoException(e);
    }

    /** A descriptor to send was refused by the kernel; the socket itself is fine. */
    static final class BadDescriptor extends IOException {
        private static final long serialVersionUID = 1L;

        BadDescriptor(String message) {
            super(message);
        }
    }

    /** The call {@link #transfer} makes, chosen by {@code count} (see {@link #vectorLength}). */
    private long call(
            PolledFd fd,
            int h,
            ByteBuffer[] iov,
            int from,
            int count,
            int flags,
            ControlMessages control,
            long controlLength,
            KernelRead wait,
            MemorySegment errno,
            String name)
            throws IOException {
        if (wait != null) {
            if (count == 1) {
                return wait.recv(fd, h, address(iov[from]), iov[from].remaining(), flags, errno, name);
            }
            bounce();
            long n = wait.recv(fd, h, bounceAddress, Math.min(BOUNCE, Iov.remaining(iov)), flags, errno, name);
            bounce.limit((int) Math.max(0, n));
            return n;
        }
        if (control != null) {
            return withControl(h, iov, from, count, flags, control, controlLength, errno);
        }
        try {
            if (count == 1) {
                ByteBuffer b = iov[from];
                if (write) {
                    long n = sendUncaptured(h, b, flags);
                    if (n != -1) {
                        return n;
                    }
                }
                if (b.isDirect()) {
                    MethodHandle at = write ? Sys.SEND_AT : Sys.RECV_AT;
                    return (long) at.invokeExact(errno, h, address(b), (long) b.remaining(), flags);
                }
                MethodHandle onHeap = write ? Sys.SEND : Sys.RECV;
                return (long) onHeap.invokeExact(errno, h, heap(b), (long) b.remaining(), flags);
            }
            if (count > 0) {
                return message(h, iov, from, count, flags, errno, 0, 0);
            }
            ByteBuffer b = bounce();
            if (write) {
                gather(iov, from, b);
                return (long) Sys.SEND_AT.invokeExact(errno, h, bounceAddress, (long) b.position(), flags);
            }
            long n = (long)
                    Sys.RECV_AT.invokeExact(errno, h, bounceAddress, Math.min(BOUNCE, Iov.remaining(iov)), flags);
            b.limit((int) Math.max(0, n));
            return n;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * A send of one buffer with errno not captured, the write's hot path: capturing errno is a
     * call into the VM after the system call, some percent of a 1-byte round trip. A send fails
     * rarely, and then {@link #call} sends again with errno captured, which tells the same
     * failure (EAGAIN, EPIPE, ENOTCONN stay), or sends (room came meanwhile; the first call moved
     * nothing), or, after a reset whose ECONNRESET the first call took from the socket, fails with
     * EPIPE, as every later send on it would. Receives capture errno always: a reset taken by a
     * first call would read as end of stream on a second.
     */
    private long sendUncaptured(int h, ByteBuffer b, int flags) throws Throwable {
        return b.isDirect()
                ? (long) Sys.SEND_AT_UNCAPTURED.invokeExact(h, address(b), (long) b.remaining(), flags)
                : (long) Sys.SEND_UNCAPTURED.invokeExact(h, heap(b), (long) b.remaining(), flags);
    }

    /**
     * recvmsg or sendmsg with a control buffer: the iov's direct buffers as they are
     * ({@code count > 0}), or the bounce buffer ({@code count == 0}: gathered into it before a
     * send; a receive leaves its bytes there for {@link #scatter}). A receive records the
     * descriptors that arrived in {@code control}.
     */
    private long withControl(
            int h,
            ByteBuffer[] iov,
            int from,
            int count,
            int flags,
            ControlMessages control,
            long controlLength,
            MemorySegment errno) {
        ByteBuffer[] via = iov;
        int at = from;
        int buffers = count;
        if (count == 0) {
            ByteBuffer b = bounce();
            if (write) {
                gather(iov, from, b);
                b.flip();
            } else {
                b.limit((int) Math.min(BOUNCE, Iov.remaining(iov)));
            }
            via = bounceIov;
            at = 0;
            buffers = 1;
        }
        long n = message(h, via, at, buffers, flags, errno, control.address(), controlLength);
        if (count == 0 && !write) {
            bounce.position(0).limit((int) Math.max(0, n));
        }
        if (n >= 0 && !write) {
            control.decode(vector.get(JAVA_LONG, 40), vector.get(JAVA_INT, 48)); // msg_controllen, msg_flags
        }
        return n;
    }

    /** recvmsg or sendmsg over the direct buffers among the {@code count} from {@code from}. */
    private long message(
            int h,
            ByteBuffer[] iov,
            int from,
            int count,
            int flags,
            MemorySegment errno,
            long control,
            long controlLength) {
        MemorySegment v = vector(count);
        for (int at = 0; at < MSGHDR; at += 8) { // the msghdr only: the iovecs used are written below
            v.set(JAVA_LONG, at, 0L);
        }
        int used = 0;
        for (int i = 0; i < count; i++) {
            ByteBuffer b = iov[from + i];
            if (b.remaining() == 0) {
                continue;
            }
            long at = MSGHDR + (long) used * IOVEC;
            v.set(JAVA_LONG, at, address(b));
            v.set(JAVA_LONG, at + 8, b.remaining());
            used++;
        }
        v.set(JAVA_LONG, 16, v.address() + MSGHDR); // msg_iov
        v.set(JAVA_LONG, 24, used); // msg_iovlen
        v.set(JAVA_LONG, 32, control); // msg_control
        v.set(JAVA_LONG, 40, controlLength); // msg_controllen
        try {
            MethodHandle call = write ? Sys.SENDMSG : Sys.RECVMSG;
            return (long) call.invokeExact(errno, h, v, flags);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * How the live part of the iov from {@code from} goes to the kernel: 1 for one buffer (as
     * it is), {@code n > 1} for that many direct buffers ({@code recvmsg}/{@code sendmsg}), 0
     * for several with a heap one among them (through the bounce buffer).
     */
    private static int vectorLength(ByteBuffer[] iov, int from) {
        int end = from + Iov.sliceLength(iov, from);
        int live = 0;
        boolean heap = false;
        for (int i = from; i < end; i++) {
            if (iov[i].hasRemaining()) {
                live++;
                heap |= !iov[i].isDirect();
            }
        }
        return live <= 1 ? 1 : heap ? 0 : end - from;
    }

    private MemorySegment heap(ByteBuffer b) {
        if (b != lastHeap || b.position() != lastHeapPosition) {
            lastHeapSegment = MemorySegment.ofBuffer(b); // from the position; the call gives the length
            lastHeap = b;
            lastHeapPosition = b.position();
        }
        return lastHeapSegment;
    }

    private MemorySegment vector(int buffers) {
        long need = MSGHDR + (long) buffers * IOVEC;
        if (vector == null || vector.byteSize() < need) {
            vector = Arena.ofAuto().allocate(Math.max(need, MSGHDR + 16L * IOVEC), 8);
        }
        return vector;
    }

    private ByteBuffer bounce() {
        if (bounce == null) {
            MemorySegment s = Arena.ofAuto().allocate(BOUNCE, 8);
            bounce = s.asByteBuffer();
            bounceAddress = s.address();
            bounceIov = new ByteBuffer[] {bounce};
        }
        return bounce.clear();
    }

    /** Copies what a bounced receive got into the iov from {@code from}, advancing it. */
    private static void scatter(ByteBuffer src, ByteBuffer[] iov, int from) {
        for (int i = from; src.hasRemaining() && i < iov.length; i++) {
            ByteBuffer b = iov[i];
            int k = Math.min(b.remaining(), src.remaining());
            b.put(b.position(), src, src.position(), k);
            src.position(src.position() + k);
            b.position(b.position() + k);
        }
    }

    /** Copies the iov from {@code from} into {@code dst} until it is full; the iov is not advanced. */
    private static void gather(ByteBuffer[] iov, int from, ByteBuffer dst) {
        for (int i = from; dst.hasRemaining() && i < iov.length; i++) {
            ByteBuffer b = iov[i];
            int k = Math.min(b.remaining(), dst.remaining());
            dst.put(dst.position(), b, b.position(), k);
            dst.position(dst.position() + k);
        }
    }

    private static void advance(ByteBuffer[] iov, int from, long n) {
        for (int i = from; n > 0 && i < iov.length; i++) {
            ByteBuffer b = iov[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }
}
