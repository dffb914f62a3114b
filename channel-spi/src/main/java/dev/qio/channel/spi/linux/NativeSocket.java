package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A stream socket (TCP or unix) on a non-blocking Linux descriptor, driven by direct system calls:
 * what the native {@code tcp:} and {@code unix:} channels are made of.
 *
 * <p>Reads and writes never block; they return {@link IoChannel#ERR_BLOCK} on EAGAIN and the
 * caller waits through {@link #fd()} (a {@link PolledFd}). A single buffer goes to
 * {@code recv}/{@code send} as it is: a heap buffer through a critical downcall with heap access,
 * a direct buffer by address; several direct buffers go to {@code recvmsg}/{@code sendmsg} in one
 * call. Only an iov of several buffers with a heap one among them is copied: through a 64 KiB
 * native bounce buffer per direction, made on first need (the kernel cannot be given a heap
 * address inside an {@code iovec}, and one call per buffer would cost a system call per buffer).
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks guarantee it): each
 * direction has scratch state of its own. Every other method may be called from any thread.
 */
public final class NativeSocket {
    private static final int IOVEC = 16;
    private static final int MSGHDR = 56;
    private static final int SOCKADDR_MAX = 128;
    private static final int UNIX_PATH_MAX = 108;
    private static final int BOUNCE = 64 << 10;

    private final PolledFd fd;
    private final int family;
    private final Direction reads;
    private final Direction writes;
    /** How platform threads read in blocking mode; null until one first does. Read by close. */
    private volatile KernelRead kernelRead;

    /** What one direction reuses from call to call: its errno slot and its last direct buffer's address. */
    private static final class Direction {
        final MemorySegment errno;
        ByteBuffer lastDirect;
        long lastBase;

        Direction(MemorySegment errno) {
            this.errno = errno;
        }
        /** msghdr then iovecs, native, grown on demand; null until a vectored call needs it. */
        MemorySegment vector;
        /** Where scattered heap buffers are copied through; null until first needed. */
        ByteBuffer bounce;
        long bounceAddress;
        /** The bounce buffer as an iov of one, for a bounced recvmsg/sendmsg. */
        final ByteBuffer[] bounceIov = new ByteBuffer[1];

        ByteBuffer bounce() {
            if (bounce == null) {
                MemorySegment s = Arena.ofAuto().allocate(BOUNCE, 8);
                bounce = s.asByteBuffer();
                bounceAddress = s.address();
                bounceIov[0] = bounce;
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

        MemorySegment vector(int buffers) {
            long need = MSGHDR + (long) buffers * IOVEC;
            if (vector == null || vector.byteSize() < need) {
                vector = Arena.ofAuto().allocate(Math.max(need, MSGHDR + 16L * IOVEC), 8);
            }
            return vector;
        }
    }

    private NativeSocket(int fd, int family) {
        this.fd = new PolledFd(fd);
        this.reads = new Direction(this.fd.errnoSlot(true));
        this.writes = new Direction(this.fd.errnoSlot(false));
        this.family = family;
    }

    /**
     * Takes a stream socket this process already has (inherited, or duplicated with
     * {@link Adoption}); it must be non-blocking ({@link Adoption#prepare}). Closing the result
     * closes it.
     *
     * @param family the socket's family, as {@link Adoption#inspect} reported it
     */
    public static NativeSocket adopt(int fd, int family) {
        return new NativeSocket(fd, family);
    }

    /** The descriptor: readiness, waiting and lifetime. */
    public PolledFd fd() {
        return fd;
    }

    /** Whether this is a unix socket. */
    public boolean isUnix() {
        return family == Sys.AF_UNIX;
    }

    // ---- opening ----------------------------------------------------------------------------

    /**
     * A new unconnected, non-blocking, close-on-exec stream socket for {@code address}'s family.
     *
     * @throws IOException naming the error ({@code EMFILE}, say)
     */
    public static NativeSocket open(SocketAddress address) throws IOException {
        int family = familyOf(address);
        MemorySegment err = Sys.errnoSlot();
        int s;
        try {
            s = (int) Sys.SOCKET.invokeExact(err, family, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (s < 0) {
            throw new IOException("socket: " + Sys.strerror(Sys.errno(err)));
        }
        return new NativeSocket(s, family);
    }

    /**
     * Connects, waiting in the way {@link PolledFd} waits (no blocking call on a virtual thread).
     *
     * @param timeoutNanos 0 for no bound
     * @throws java.net.ConnectException if refused; {@link java.net.SocketTimeoutException} past
     *     the timeout; otherwise an {@link IOException} with the kernel's reason
     */
    public void connect(SocketAddress address, long timeoutNanos, String name) throws IOException {
        byte[] sa = new byte[SOCKADDR_MAX];
        int len = encode(address, sa);
        MemorySegment err = Sys.errnoSlot();
        int n = fd.acquire(name);
        int rc;
        try {
            rc = (int) Sys.CONNECT.invokeExact(err, n, MemorySegment.ofArray(sa), len);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
        if (rc == 0) {
            return;
        }
        int e = Sys.errno(err);
        if (e != Sys.EINPROGRESS && e != Sys.EINTR) {
            throw Errors.connect(name, e);
        }
        long deadline = timeoutNanos == 0 ? 0 : System.nanoTime() + timeoutNanos;
        if (fd.await(IoCondition.OUT, () -> true, name, deadline == 0 ? 0 : Math.max(1, deadline)) == 2) {
            throw new java.net.SocketTimeoutException(name + ": connect timed out after "
                    + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        int soError = getInt(Sys.SOL_SOCKET, Sys.SO_ERROR, name);
        if (soError != 0) {
            throw Errors.connect(name, soError);
        }
    }

    /**
     * A listening socket bound to {@code address} (TCP sockets get {@code SO_REUSEADDR}, as
     * {@code java.nio} does on Linux), with {@code rcvbuf} applied before {@code listen}.
     */
    public static NativeSocket listen(SocketAddress address, int backlog, Integer rcvbuf, String name) throws IOException {
        NativeSocket s = open(address);
        try {
            if (s.family != Sys.AF_UNIX) {
                s.setInt(Sys.SOL_SOCKET, Sys.SO_REUSEADDR, 1, name);
            }
            if (rcvbuf != null) {
                s.setInt(Sys.SOL_SOCKET, Sys.SO_RCVBUF, rcvbuf, name);
            }
            byte[] sa = new byte[SOCKADDR_MAX];
            int len = encode(address, sa);
            MemorySegment err = Sys.errnoSlot();
            int n = s.fd.acquire(name);
            try {
                if ((int) Sys.BIND.invokeExact(err, n, MemorySegment.ofArray(sa), len) < 0) {
                    throw Errors.bind(name, Sys.errno(err));
                }
                if ((int) Sys.LISTEN.invokeExact(err, n, backlog) < 0) {
                    throw new IOException(name + ": cannot listen: " + Sys.strerror(Sys.errno(err)));
                }
            } finally {
                s.fd.release();
            }
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        } catch (Throwable t) {
            s.close();
            throw Sys.rethrow(t);
        }
    }

    /**
     * Accepts one connection, non-blocking and close-on-exec.
     *
     * @return the connection, or {@code null} on EAGAIN (after telling the readiness)
     */
    public NativeSocket accept(String name) throws IOException {
        MemorySegment err = reads.errno;
        int n = fd.acquire(name);
        int c;
        try {
            do {
                c = (int) Sys.ACCEPT4.invokeExact(err, n, MemorySegment.NULL, MemorySegment.NULL,
                        Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
            } while (c < 0 && Sys.errno(err) == Sys.EINTR);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
        if (c >= 0) {
            return new NativeSocket(c, family);
        }
        int e = Sys.errno(err);
        if (e == Sys.EAGAIN) {
            fd.blocked(IoCondition.IN);
            return null;
        }
        throw new IOException(name + ": accept: " + Sys.strerror(e));
    }

    // ---- data -------------------------------------------------------------------------------

    /**
     * One {@code recv}/{@code recvmsg} into the live part of {@code iov} (from its first buffer
     * with room, at most {@link Iov#IOV_MAX} buffers), advancing the positions.
     *
     * @return bytes read ({@code > 0}), 0 at end of stream, or {@link IoChannel#ERR_BLOCK} (the
     *     readiness has been told)
     * @throws IOException with the kernel's reason (a reset, say)
     */
    public long read(ByteBuffer[] iov, boolean peek, String name) throws IOException {
        return transfer(false, iov, Sys.MSG_DONTWAIT | (peek ? Sys.MSG_PEEK : 0), name, null);
    }

    /**
     * As {@link #read}, through {@code recvmsg} with {@code control} offered for descriptors
     * ({@code MSG_CMSG_CLOEXEC}): afterwards {@link ControlMessages#deliver} hands over what came
     * with the bytes. A unix stream socket stops a read once it has taken one write's
     * descriptors, so a read delivers at most one write's descriptors, with that write's
     * first byte among the bytes read.
     */
    public long read(ByteBuffer[] iov, boolean peek, ControlMessages control, String name) throws IOException {
        control.clear();
        return transfer(false, iov, Sys.MSG_DONTWAIT | Sys.MSG_CMSG_CLOEXEC | (peek ? Sys.MSG_PEEK : 0), name, control);
    }

    /**
     * As {@link #write}, through {@code sendmsg} with {@code fds} as one {@code SCM_RIGHTS}
     * message: when any byte is sent, every descriptor is sent with the first one; on
     * {@link IoChannel#ERR_BLOCK} none is.
     *
     * @throws IllegalArgumentException for more than {@link ControlMessages#MAX_FDS}
     *     descriptors, a closed one, or one the kernel refuses ({@code EBADF}); nothing is sent
     */
    public long write(ByteBuffer[] iov, java.util.List<dev.qio.channel.NativeFd> fds, ControlMessages control, String name)
            throws IOException {
        long length = control.encode(fds, name);
        try {
            return transfer(true, iov, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL, name, control, length);
        } catch (BadDescriptor e) {
            throw new IllegalArgumentException(name + ": cannot send the descriptors " + fds + ": " + e.getMessage());
        }
    }

    /**
     * One {@code send}/{@code sendmsg} ({@code MSG_NOSIGNAL}: a closed peer is an error, never a
     * signal) from the live part of {@code iov}, advancing the positions.
     *
     * @return bytes written ({@code > 0}) or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason (broken pipe, reset)
     */
    public long write(ByteBuffer[] iov, String name) throws IOException {
        return transfer(true, iov, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL, name, null);
    }

    /**
     * Whether {@link #readWaiting} can wait in the kernel here; where it cannot, blocking reads
     * wait through {@link #fd()} as non-blocking ones do.
     */
    public static boolean canReadWaiting() {
        return KernelRead.AVAILABLE;
    }

    /**
     * As {@link #read}, for a platform thread reading in blocking mode where
     * {@link #canReadWaiting()}: waits inside one {@code recv} for the first byte, as a blocking
     * {@code SocketChannel} does, rather than in {@code poll} between two. {@link #close()}, a
     * shutdown of reads and an interrupt end the wait. Into a single direct buffer as it is;
     * anything else through the bounce buffer (a call that may block cannot be given the heap).
     *
     * @return bytes read ({@code > 0}), 0 at end of stream, or {@link IoChannel#ERR_BLOCK} when
     *     the wait ended without data (a close, a stray signal): the caller checks and waits again
     * @throws java.io.InterruptedIOException if the thread was interrupted; its status stays set
     * @throws IOException with the kernel's reason (a reset, say)
     */
    public long readWaiting(ByteBuffer[] iov, boolean peek, String name) throws IOException {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread must not wait in the kernel");
        }
        KernelRead k = kernelRead;
        if (k == null) {
            kernelRead = k = new KernelRead();
        }
        Direction d = reads;
        int from = Iov.firstWithRemaining(iov);
        boolean intoBuffer = vectorLength(iov, from) == 1 && iov[from].isDirect();
        int flags = peek ? Sys.MSG_PEEK : 0;
        long n;
        int h = fd.acquire(name);
        try {
            if (intoBuffer) {
                n = k.recv(fd, h, d.address(iov[from]), iov[from].remaining(), flags, name);
            } else {
                ByteBuffer b = d.bounce();
                n = k.recv(fd, h, d.bounceAddress, Math.min(BOUNCE, Iov.remaining(iov)), flags, name);
                b.limit((int) Math.max(0, n));
            }
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (intoBuffer) {
                advance(iov, from, n);
            } else {
                scatter(d.bounce, iov, from);
            }
            return n;
        }
        if (n == 0) {
            return 0;
        }
        if (n == IoChannel.ERR_BLOCK) {
            fd.blocked(IoCondition.IN);
            return IoChannel.ERR_BLOCK;
        }
        throw new IOException(Sys.strerror(k.errno()));
    }

    /** {@link #write} with {@code extraFlags} ({@code MSG_ZEROCOPY}, for {@link ZeroCopySends}). */
    long write(ByteBuffer[] iov, int extraFlags, String name) throws IOException {
        return transfer(true, iov, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL | extraFlags, name, null);
    }

    private long transfer(boolean write, ByteBuffer[] iov, int flags, String name, ControlMessages control)
            throws IOException {
        return transfer(write, iov, flags, name, control, control == null ? 0 : control.capacity());
    }

    /**
     * One system call in one direction, retried on EINTR; see {@link #read} and {@link #write}.
     * With {@code control} it is always {@code recvmsg}/{@code sendmsg} offering {@code controlLength}
     * bytes of it, and a heap buffer goes through the bounce buffer even alone.
     */
    private long transfer(boolean write, ByteBuffer[] iov, int flags, String name, ControlMessages control,
            long controlLength) throws IOException {
        Direction d = write ? writes : reads;
        int from = Iov.firstWithRemaining(iov);
        int count = vectorLength(iov, from);
        if (control != null && count == 1 && !iov[from].isDirect()) {
            count = 0;
        }
        long n;
        int h = fd.acquire(name);
        try {
            do {
                n = control != null ? transferControl(write, h, iov, from, count, flags, d, control, controlLength)
                        : count == 1 ? (write ? send(h, iov[from], flags, d) : recv(h, iov[from], flags, d))
                        : count > 0 ? transferMsg(write ? Sys.SENDMSG : Sys.RECVMSG, h, iov, from, count, flags, d, 0, 0)
                        : write ? sendBounced(h, iov, from, flags, d) : recvBounced(h, iov, from, flags, d);
            } while (n < 0 && Sys.errno(d.errno) == Sys.EINTR);
        } finally {
            fd.release();
        }
        if (n > 0) {
            if (count == 0 && !write) {
                scatter(d.bounce, iov, from);
            } else {
                advance(iov, from, n);
            }
            return n;
        }
        if (n == 0 && !write) {
            return 0;
        }
        int e = Sys.errno(d.errno);
        if (e == Sys.EAGAIN) {
            fd.blocked(write ? IoCondition.OUT : IoCondition.IN);
            return IoChannel.ERR_BLOCK;
        }
        if (e == Sys.EBADF && control != null && write) {
            throw new BadDescriptor(Sys.strerror(e)); // the socket is held open: a descriptor to send is bad
        }
        throw new NativeIoException(e);
    }

    /** A descriptor to send was refused by the kernel; the socket itself is fine. */
    private static final class BadDescriptor extends IOException {
        BadDescriptor(String message) {
            super(message);
        }
    }

    /**
     * recvmsg or sendmsg with a control buffer: the iov's direct buffers as they are
     * ({@code count > 0}), or the bounce buffer ({@code count == 0}: gathered into it before a
     * send; a receive leaves its bytes there for {@link #scatter}). A receive records the
     * descriptors that arrived in {@code control}.
     */
    private static long transferControl(boolean write, int h, ByteBuffer[] iov, int from, int count, int flags,
            Direction d, ControlMessages control, long controlLength) {
        ByteBuffer[] via = iov;
        int at = from;
        int buffers = count;
        if (count == 0) {
            ByteBuffer b = d.bounce();
            if (write) {
                gather(iov, from, b);
                b.flip();
            } else {
                b.limit((int) Math.min(BOUNCE, Iov.remaining(iov)));
            }
            via = d.bounceIov;
            at = 0;
            buffers = 1;
        }
        long n = transferMsg(write ? Sys.SENDMSG : Sys.RECVMSG, h, via, at, buffers, flags, d, control.address(),
                controlLength);
        if (count == 0 && !write) {
            d.bounce.position(0).limit((int) Math.max(0, n));
        }
        if (n >= 0 && !write) {
            control.decode(d.vector.get(JAVA_LONG, 40), d.vector.get(JAVA_INT, 48)); // msg_controllen, msg_flags
        }
        return n;
    }

    /**
     * How the live part of the iov from {@code from} goes to the kernel: 1 for one buffer (as
     * it is), {@code n > 1} for that many direct buffers ({@code recvmsg}/{@code sendmsg}), 0
     * for several with a heap one among them (through the bounce buffer).
     */
    private static int vectorLength(ByteBuffer[] iov, int from) {
        int end = Math.min(iov.length, from + Iov.IOV_MAX);
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

    /** recv into the bounce buffer, at most what the iov has room for; {@link #scatter} delivers it. */
    private static long recvBounced(int h, ByteBuffer[] iov, int from, int flags, Direction d) {
        ByteBuffer b = d.bounce();
        long room = Math.min(BOUNCE, Iov.remaining(iov));
        try {
            long n = (long) Sys.RECV_AT.invokeExact(d.errno, h, d.bounceAddress, room, flags);
            b.limit((int) Math.max(0, n));
            return n;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
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

    /** Gathers up to 64 KiB of the iov into the bounce buffer and sends it; the caller advances the iov. */
    private static long sendBounced(int h, ByteBuffer[] iov, int from, int flags, Direction d) {
        ByteBuffer dst = d.bounce();
        gather(iov, from, dst);
        try {
            return (long) Sys.SEND_AT.invokeExact(d.errno, h, d.bounceAddress, (long) dst.position(), flags);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
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

    private static long recv(int h, ByteBuffer b, int flags, Direction d) {
        try {
            if (b.isDirect()) {
                return (long) Sys.RECV_AT.invokeExact(d.errno, h, d.address(b), (long) b.remaining(), flags);
            }
            return (long) Sys.RECV.invokeExact(d.errno, h, MemorySegment.ofBuffer(b), (long) b.remaining(), flags);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    private static long send(int h, ByteBuffer b, int flags, Direction d) {
        try {
            if (b.isDirect()) {
                return (long) Sys.SEND_AT.invokeExact(d.errno, h, d.address(b), (long) b.remaining(), flags);
            }
            return (long) Sys.SEND.invokeExact(d.errno, h, MemorySegment.ofBuffer(b), (long) b.remaining(), flags);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /** recvmsg or sendmsg over the direct buffers among the {@code count} from {@code from}. */
    private static long transferMsg(java.lang.invoke.MethodHandle call, int h, ByteBuffer[] iov, int from, int count,
            int flags, Direction d, long control, long controlLength) {
        MemorySegment v = d.vector(count);
        for (int at = 0; at < MSGHDR; at += 8) { // the msghdr only: the iovecs used are written below
            v.set(JAVA_LONG, at, 0L);
        }
        long iovecs = v.address() + MSGHDR;
        int used = 0;
        for (int i = 0; i < count; i++) {
            ByteBuffer b = iov[from + i];
            if (b.remaining() == 0) {
                continue;
            }
            long at = MSGHDR + (long) used * IOVEC;
            v.set(JAVA_LONG, at, MemorySegment.ofBuffer(b).address());
            v.set(JAVA_LONG, at + 8, b.remaining());
            used++;
        }
        v.set(JAVA_LONG, 16, iovecs); // msg_iov
        v.set(JAVA_LONG, 24, used); // msg_iovlen
        v.set(JAVA_LONG, 32, control); // msg_control
        v.set(JAVA_LONG, 40, controlLength); // msg_controllen
        try {
            return (long) call.invokeExact(d.errno, h, v, flags);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
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

    // ---- control ----------------------------------------------------------------------------

    /**
     * {@code shutdown(2)}: {@code reads} for SHUT_RD, {@code writes} for SHUT_WR, both for
     * SHUT_RDWR. A socket the peer already reset or never connected is shut down already: that
     * is not an error.
     */
    public void shutdown(boolean reads, boolean writes, String name) throws IOException {
        int how = reads && writes ? Sys.SHUT_RDWR : reads ? Sys.SHUT_RD : Sys.SHUT_WR;
        MemorySegment err = Sys.errnoSlot();
        int n = fd.acquire(name);
        try {
            int rc = (int) Sys.SHUTDOWN.invokeExact(err, n, how);
            if (rc < 0 && Sys.errno(err) != Sys.ENOTCONN) {
                throw new IOException(name + ": shutdown: " + Sys.strerror(Sys.errno(err)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** {@code TCP_NODELAY}. */
    public void setNoDelay(boolean on, String name) throws IOException {
        setInt(Sys.IPPROTO_TCP, Sys.TCP_NODELAY, on ? 1 : 0, name);
    }

    /** {@code TCP_CORK}. */
    public void setCork(boolean on, String name) throws IOException {
        setInt(Sys.IPPROTO_TCP, Sys.TCP_CORK, on ? 1 : 0, name);
    }

    /** {@code SO_KEEPALIVE}. */
    public void setKeepAlive(boolean on, String name) throws IOException {
        setInt(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, on ? 1 : 0, name);
    }

    /**
     * {@code SO_LINGER} on with a time of 0: {@code close} resets the connection (an RST, no FIN,
     * unsent data dropped) and never waits. Only 0: a positive time makes {@code close} block in
     * the kernel.
     */
    public void setResetOnClose(String name) throws IOException {
        int[] linger = {1, 0}; // struct linger: l_onoff, l_linger
        control(name, "setsockopt(SOL_SOCKET, SO_LINGER)", (n, err) -> (int) Sys.SETSOCKOPT.invokeExact(err, n,
                Sys.SOL_SOCKET, SO_LINGER, MemorySegment.ofArray(linger), 8));
    }

    /** {@code SO_LINGER} in Linux's {@code <asm-generic/socket.h>}. */
    private static final int SO_LINGER = 13;

    /** {@code SO_SNDBUF}. */
    public void setSendBuffer(int bytes, String name) throws IOException {
        setInt(Sys.SOL_SOCKET, Sys.SO_SNDBUF, bytes, name);
    }

    /** {@code SO_RCVBUF}. */
    public void setReceiveBuffer(int bytes, String name) throws IOException {
        setInt(Sys.SOL_SOCKET, Sys.SO_RCVBUF, bytes, name);
    }

    /** {@code SO_SNDBUF} as the kernel reports it (twice what was set, on Linux). */
    public int sendBuffer(String name) throws IOException {
        return getInt(Sys.SOL_SOCKET, Sys.SO_SNDBUF, name);
    }

    /** {@code SO_KEEPALIVE} as the kernel reports it. */
    public boolean keepAlive(String name) throws IOException {
        return getInt(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, name) != 0;
    }

    /** {@code SO_RCVBUF} as the kernel reports it (twice what was set, on Linux). */
    public int receiveBuffer(String name) throws IOException {
        return getInt(Sys.SOL_SOCKET, Sys.SO_RCVBUF, name);
    }

    /**
     * What the kernel says right now, without waiting and without touching the readiness this
     * object tracks: whether a read ({@code forRead}) or a write would make progress or fail at
     * once. For tests that check the channel against the kernel.
     */
    public boolean kernelReady(boolean forRead, String name) throws IOException {
        short[] pollfd = new short[4];
        int n = fd.acquire(name);
        try {
            pollfd[0] = (short) n;
            pollfd[1] = (short) (n >>> 16);
            pollfd[2] = forRead ? Sys.POLLIN : Sys.POLLOUT;
            int rc = (int) Sys.POLL_NOW.invokeExact(Sys.errnoSlot(), MemorySegment.ofArray(pollfd), 1L, 0);
            return rc > 0 && pollfd[3] != 0;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
    }

    /** {@code TCP_NODELAY} as the kernel reports it. */
    public boolean noDelay(String name) throws IOException {
        return getInt(Sys.IPPROTO_TCP, Sys.TCP_NODELAY, name) != 0;
    }

    /**
     * The peer's credentials ({@code SO_PEERCRED}) of a unix socket: the pid, uid and gid of the
     * process that connected (or listened), as of that moment.
     */
    public dev.qio.channel.PeerCredentials peerCredentials(String name) throws IOException {
        int[] ucred = new int[3];
        int[] len = {12};
        control(name, "SO_PEERCRED", (n, err) -> (int) Sys.GETSOCKOPT.invokeExact(err, n, Sys.SOL_SOCKET, Sys.SO_PEERCRED,
                MemorySegment.ofArray(ucred), MemorySegment.ofArray(len)));
        return new dev.qio.channel.PeerCredentials(ucred[0], Integer.toUnsignedLong(ucred[1]), Integer.toUnsignedLong(ucred[2]));
    }

    /** The local address ({@code getsockname}). */
    public SocketAddress localAddress(String name) throws IOException {
        return address(Sys.GETSOCKNAME, name);
    }

    /** The peer's address ({@code getpeername}). */
    public SocketAddress remoteAddress(String name) throws IOException {
        return address(Sys.GETPEERNAME, name);
    }

    /** Closes the socket; see {@link PolledFd#close()}. */
    public void close() throws IOException {
        int e = fd.close(this::wakeKernelReader);
        if (e != 0) {
            throw new IOException("close: " + Sys.strerror(e));
        }
    }

    private void wakeKernelReader() {
        KernelRead k = kernelRead;
        if (k != null) {
            k.wake();
        }
    }

    private void setInt(int level, int option, int value, String name) throws IOException {
        int[] v = {value};
        control(name, "setsockopt(" + level + ", " + option + ")",
                (n, err) -> (int) Sys.SETSOCKOPT.invokeExact(err, n, level, option, MemorySegment.ofArray(v), 4));
    }

    private int getInt(int level, int option, String name) throws IOException {
        int[] v = new int[1];
        int[] len = {4};
        control(name, "getsockopt(" + level + ", " + option + ")", (n, err) -> (int) Sys.GETSOCKOPT.invokeExact(err, n,
                level, option, MemorySegment.ofArray(v), MemorySegment.ofArray(len)));
        return v[0];
    }

    private SocketAddress address(java.lang.invoke.MethodHandle call, String name) throws IOException {
        byte[] sa = new byte[SOCKADDR_MAX];
        int[] len = {SOCKADDR_MAX};
        control(name, "cannot read the socket's address",
                (n, err) -> (int) call.invokeExact(err, n, MemorySegment.ofArray(sa), MemorySegment.ofArray(len)));
        return decode(sa, len[0]);
    }

    /** One control call on the descriptor: {@code rc < 0} is an error naming the socket and the call. */
    @FunctionalInterface
    private interface Control {
        int call(int fd, MemorySegment errno) throws Throwable;
    }

    /** Runs {@code call} between acquire and release; off the hot path, so allocating is fine. */
    private void control(String name, String what, Control call) throws IOException {
        MemorySegment err = Sys.errnoSlot();
        int n = fd.acquire(name);
        int rc;
        try {
            rc = call.call(n, err);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            fd.release();
        }
        if (rc < 0) {
            throw new IOException(name + ": " + what + ": " + Sys.strerror(Sys.errno(err)));
        }
    }

    // ---- socket addresses -------------------------------------------------------------------

    private static int familyOf(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress || a instanceof AbstractUnixAddress) {
            return Sys.AF_UNIX;
        }
        if (a instanceof InetSocketAddress i && !i.isUnresolved()) {
            return i.getAddress() instanceof Inet6Address ? Sys.AF_INET6 : Sys.AF_INET;
        }
        throw new IllegalArgumentException("not a resolved inet or unix socket address: " + a);
    }

    /** Writes {@code a} as a {@code struct sockaddr_*} into {@code sa}; returns its length. */
    static int encode(SocketAddress a, byte[] sa) {
        MemorySegment s = MemorySegment.ofArray(sa);
        java.util.Arrays.fill(sa, (byte) 0);
        if (a instanceof AbstractUnixAddress abs) {
            return abs.encode(sa);
        }
        if (a instanceof UnixDomainSocketAddress u) {
            byte[] path = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length >= UNIX_PATH_MAX) {
                throw new IllegalArgumentException("unix socket path too long: " + path.length
                        + " bytes, at most " + (UNIX_PATH_MAX - 1) + ": " + u.getPath());
            }
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_UNIX);
            MemorySegment.copy(path, 0, s, JAVA_BYTE, 2, path.length);
            return 2 + path.length + 1;
        }
        InetSocketAddress i = (InetSocketAddress) a;
        short port = Short.reverseBytes((short) i.getPort()); // network order
        if (i.getAddress() instanceof Inet6Address v6) {
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_INET6);
            s.set(JAVA_SHORT_UNALIGNED, 2, port);
            MemorySegment.copy(v6.getAddress(), 0, s, JAVA_BYTE, 8, 16);
            s.set(JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            return 28;
        }
        s.set(JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_INET);
        s.set(JAVA_SHORT_UNALIGNED, 2, port);
        MemorySegment.copy(i.getAddress().getAddress(), 0, s, JAVA_BYTE, 4, 4);
        return 16;
    }

    static SocketAddress decode(byte[] sa, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder());
        int family = b.getShort(0);
        int port = Short.toUnsignedInt(Short.reverseBytes(b.getShort(2)));
        if (family == Sys.AF_INET) {
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(sa, 4, 8)), port);
        }
        if (family == Sys.AF_INET6) {
            byte[] addr = java.util.Arrays.copyOfRange(sa, 8, 24);
            int scope = b.getInt(24);
            InetAddress ia = scope == 0 ? InetAddress.getByAddress(addr) : Inet6Address.getByAddress(null, addr, scope);
            return new InetSocketAddress(ia, port);
        }
        if (family == Sys.AF_UNIX && len > 2 && sa[2] == 0) {
            return AbstractUnixAddress.decode(sa, len);
        }
        if (family == Sys.AF_UNIX) {
            int end = 2;
            while (end < Math.min(len, sa.length) && sa[end] != 0) {
                end++;
            }
            return UnixDomainSocketAddress.of(new String(sa, 2, end - 2, StandardCharsets.UTF_8));
        }
        throw new IOException("unknown address family " + family);
    }

    @Override
    public String toString() {
        return "NativeSocket[" + fd + "]";
    }

    static {
        // Guard the one assumption the address encoding makes about byte order.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the native backend supports little-endian machines only");
        }
    }
}
