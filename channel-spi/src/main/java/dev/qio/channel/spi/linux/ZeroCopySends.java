package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@code MSG_ZEROCOPY} sends on one TCP socket and their completions: QEMU's
 * {@code zero_copy_queued}/{@code zero_copy_sent} and {@code qio_channel_socket_flush}.
 *
 * <p>A zero-copy send gives the kernel the caller's pages instead of copying them; the kernel
 * reports, on the socket's error queue, when it no longer needs them, as ranges of send numbers
 * ({@code sock_extended_err} with origin {@code SO_EE_ORIGIN_ZEROCOPY}, {@code ee_info} to
 * {@code ee_data}). {@link #flush} reads that queue until every send so far is reported, waiting
 * for {@code EPOLLERR} through the poller ({@link PolledFd}, never a blocking call on a virtual
 * thread), and says whether the kernel copied every one anyway ({@code SO_EE_CODE_ZEROCOPY_COPIED},
 * always so over loopback).
 *
 * <p>Only what gains goes zero-copy: a write of at least {@link #THRESHOLD} bytes from direct
 * buffers only. Smaller writes are copied, because pinning pages and reading a completion cost
 * more than copying a few KiB (the kernel's own guidance puts the break-even near 10 KB); heap
 * buffers are copied, because the garbage collector may move an array while the kernel still
 * reads its old pages. When the socket's budget of pending completions is spent ({@code ENOBUFS}),
 * a write flushes and tries again, as current QEMU does.
 *
 * <p>That budget is the socket's option memory ({@code net.core.optmem_max}, per network
 * namespace): each send that does not extend the previous one holds a notification charged to it
 * until {@link #flush} reads it. (For a process without {@code CAP_IPC_LOCK} the pinned pages also
 * count against {@code RLIMIT_MEMLOCK}, per user, so other processes of the user share it; that
 * one is not forced in tests.) {@code ZeroCopyBudgetTest} forces the first in a private network
 * namespace where optmem fits one notification only.
 *
 * <p>Threads: one writer at a time (the channel's write lock, which {@code flush} takes too).
 */
public final class ZeroCopySends {
    /** Writes smaller than this many bytes are copied, even with {@code ZERO_COPY}. */
    public static final int THRESHOLD = 10 * 1024;

    private static final int SO_ZEROCOPY = 60;
    private static final int MSG_ZEROCOPY = 0x4000000;
    private static final int MSG_ERRQUEUE = 0x2000;
    private static final int SOL_IP = 0;
    private static final int IP_RECVERR = 11;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_RECVERR = 25;
    private static final int SO_EE_ORIGIN_ZEROCOPY = 5;
    private static final int SO_EE_CODE_ZEROCOPY_COPIED = 1;
    private static final int ENOBUFS = 105;
    private static final int MSGHDR = 56;
    private static final int CONTROL = 128;

    private final NativeSocket socket;
    /** Zero-copy sends made; under the write lock, as every field. */
    private long queued;
    /** Zero-copy sends the kernel reported complete. */
    private long sent;
    /** Completions read since the last {@link #flush}, internal flushes included. */
    private long seen;
    /** Whether every completion since the last {@link #flush} said the kernel copied. */
    private boolean copiedOnly = true;
    /** Writes that found the budget spent ({@code ENOBUFS}) and flushed before trying again. */
    private long budgetRetries;
    /**
     * msghdr, the control buffer, then errno; native, made on the first flush, so a tcp channel
     * that never sends zero-copy pays no arena for it.
     */
    private MemorySegment msg;
    /** The tail of {@code msg}; null until then. */
    private MemorySegment errno;

    /**
     * The bookkeeping for {@code socket}, on which {@link #enable} succeeded; a channel makes it on
     * its first zero-copy write, so one that never sends zero-copy holds none.
     */
    public ZeroCopySends(NativeSocket socket) {
        this.socket = socket;
    }

    /**
     * Turns {@code SO_ZEROCOPY} on for {@code socket}.
     *
     * @return whether the kernel took it (if not, the channel must not advertise
     *     {@code WRITE_ZERO_COPY})
     */
    public static boolean enable(NativeSocket socket, String name) {
        int[] on = {1};
        MemorySegment err = Sys.errnoSlot();
        try {
            int h = socket.fd().acquire(name);
            try {
                int rc = (int)
                        Sys.SETSOCKOPT.invokeExact(err, h, Sys.SOL_SOCKET, SO_ZEROCOPY, MemorySegment.ofArray(on), 4);
                return rc == 0;
            } finally {
                socket.fd().release();
            }
        } catch (IOException e) {
            return false;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * One write of the live part of {@code iov}, zero-copy when it gains ({@link #THRESHOLD},
     * direct buffers); as {@link NativeSocket#write} otherwise.
     *
     * @return as {@link NativeSocket#write}
     * @throws IOException as {@link NativeSocket#write}; {@code ENOBUFS} with nothing left to
     *     flush names the memory limit
     */
    public long write(ByteBuffer[] iov, String name) throws IOException {
        if (!worthIt(iov)) {
            return socket.write(iov, name);
        }
        while (true) {
            try {
                long n = socket.write(iov, MSG_ZEROCOPY, name);
                if (n > 0) {
                    queued++;
                }
                return n;
            } catch (NativeIoException e) {
                if (e.errno() != ENOBUFS || sent == queued) {
                    throw e.errno() == ENOBUFS
                            ? new IOException(name + ": the process cannot lock enough memory for MSG_ZEROCOPY", e)
                            : e;
                }
                budgetRetries++;
                drain(name); // completions give the budget back
            }
        }
    }

    /**
     * Waits until the kernel reported every zero-copy send made so far.
     *
     * @return 1 if it copied every send it reported since the last flush (none went zero-copy),
     *     else 0; 0 at once when nothing was sent zero-copy since
     * @throws IOException if the error queue holds a real error, or something not a zero-copy
     *     completion; a close meanwhile
     */
    public int flush(String name) throws IOException {
        drain(name);
        int r = seen > 0 && copiedOnly ? 1 : 0;
        seen = 0;
        copiedOnly = true;
        return r;
    }

    /**
     * How many times a write found the budget spent ({@code ENOBUFS}) and flushed before trying
     * again; for tests and diagnostics. Under the write lock, as every field.
     */
    public long budgetRetries() {
        return budgetRetries;
    }

    /** Whether a write of the window {@link NativeSocket} sends gains from zero-copy. */
    private static boolean worthIt(ByteBuffer[] iov) {
        int from = Iov.firstWithRemaining(iov);
        long total = 0;
        for (int i = from, end = from + Iov.sliceLength(iov, from); i < end; i++) {
            if (iov[i].hasRemaining() && !iov[i].isDirect()) {
                return false;
            }
            total += iov[i].remaining();
        }
        return total >= THRESHOLD;
    }

    private void drain(String name) throws IOException {
        while (sent < queued) {
            long n = recvErrQueue(name);
            if (n < 0) {
                int e = Sys.errno(errno);
                if (e == Sys.EINTR) {
                    continue;
                }
                if (e != Sys.EAGAIN) {
                    throw new IOException(name + ": Unable to read errqueue: " + Sys.strerror(e));
                }
                socket.fd().blocked(IoCondition.ERR);
                socket.fd().await(IoCondition.ERR, () -> true, name, 0);
                continue;
            }
            completion(name);
        }
    }

    private long recvErrQueue(String name) throws IOException {
        if (msg == null) {
            msg = Arena.ofAuto().allocate(MSGHDR + CONTROL + 8, 8);
            errno = msg.asSlice(MSGHDR + CONTROL, 4);
        }
        msg.fill((byte) 0);
        msg.set(JAVA_LONG, 32, msg.address() + MSGHDR); // msg_control
        msg.set(JAVA_LONG, 40, CONTROL); // msg_controllen
        int h = socket.fd().acquire(name);
        try {
            return (long) Sys.RECVMSG.invokeExact(errno, h, msg, MSG_ERRQUEUE | Sys.MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            socket.fd().release();
        }
    }

    /** Checks one error-queue message as QEMU does and counts the sends it reports. */
    private void completion(String name) throws IOException {
        long controlLen = msg.get(JAVA_LONG, 40);
        MemorySegment cm = msg.asSlice(MSGHDR);
        int level = cm.get(JAVA_INT, 8);
        int type = cm.get(JAVA_INT, 12);
        if (controlLen < 32
                || !((level == SOL_IP && type == IP_RECVERR) || (level == SOL_IPV6 && type == IPV6_RECVERR))) {
            throw new IOException(name + ": Wrong cmsg in errqueue (level " + level + ", type " + type + ")");
        }
        int eeErrno = cm.get(JAVA_INT, 16);
        int origin = cm.get(JAVA_BYTE, 20) & 0xff;
        int code = cm.get(JAVA_BYTE, 22) & 0xff;
        long info = Integer.toUnsignedLong(cm.get(JAVA_INT, 24));
        long data = Integer.toUnsignedLong(cm.get(JAVA_INT, 28));
        if (eeErrno != 0) {
            throw new IOException(name + ": Error on socket: " + Sys.strerror(eeErrno));
        }
        if (origin != SO_EE_ORIGIN_ZEROCOPY) {
            throw new IOException(name + ": Error not from zero copy (origin " + origin + ")");
        }
        long count = ((data - info) & 0xffff_ffffL) + 1; // send numbers are 32-bit and wrap
        if (count > queued - sent) {
            throw new IOException(name + ": Wrong notification bounds: " + info + ".." + data + " with "
                    + (queued - sent) + " sends outstanding");
        }
        sent += count;
        seen += count;
        if (code != SO_EE_CODE_ZEROCOPY_COPIED) {
            copiedOnly = false;
        }
    }
}
