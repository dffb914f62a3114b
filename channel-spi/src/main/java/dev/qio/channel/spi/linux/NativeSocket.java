package dev.qio.channel.spi.linux;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A stream socket (TCP or unix) on a non-blocking Linux descriptor, driven by direct system calls:
 * what the native {@code tcp:} and {@code unix:} channels are made of. This class opens, connects,
 * accepts, sets options and closes; each direction's data path is a {@link SocketDirection}, the
 * address formats are {@link SocketAddresses}.
 *
 * <p>Reads and writes never block, but for a platform thread's read in blocking mode (see
 * {@link #read(ByteBuffer[], boolean, boolean, String)}); they return {@link IoChannel#ERR_BLOCK}
 * on EAGAIN and the caller waits through {@link #fd()} (a {@link PolledFd}).
 *
 * <p>Threads: one reader and one writer at a time (the channel's locks guarantee it): each
 * direction has scratch state of its own, made on its first call. Every other method may be
 * called from any thread.
 *
 * <p>The class stays over 400 lines for its socket options: each is a short getter or setter
 * with its javadoc, the surface the provider and its tests use; they share the acquire, call and
 * error-naming helper at the end, and a class of their own would only add a hop to every caller.
 */
public final class NativeSocket {
    private final PolledFd fd;
    private final int family;
    /** Made on the first read; only the reader touches it. */
    private SocketDirection reads;
    /** Made on the first write; only the writer touches it. */
    private SocketDirection writes;
    /** How platform threads read in blocking mode; null until one first does. Read by close. */
    private volatile KernelRead kernelRead;

    private NativeSocket(int fd, int family) {
        this.fd = new PolledFd(fd);
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
        int family = SocketAddresses.familyOf(address);
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
        byte[] sa = new byte[SocketAddresses.SOCKADDR_MAX];
        int len = SocketAddresses.encode(address, sa);
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
    public static NativeSocket listen(SocketAddress address, int backlog, Integer rcvbuf, String name)
            throws IOException {
        NativeSocket s = open(address);
        try {
            if (s.family != Sys.AF_UNIX) {
                s.setInt(Sys.SOL_SOCKET, Sys.SO_REUSEADDR, 1, name);
            }
            if (rcvbuf != null) {
                s.setInt(Sys.SOL_SOCKET, Sys.SO_RCVBUF, rcvbuf, name);
            }
            byte[] sa = new byte[SocketAddresses.SOCKADDR_MAX];
            int len = SocketAddresses.encode(address, sa);
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
        MemorySegment err = Sys.errnoSlot();
        int n = fd.acquire(name);
        int c;
        try {
            do {
                c = (int) Sys.ACCEPT4.invokeExact(
                        err, n, MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
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
     * <p>With {@code blocking} (the caller waits when nothing is there), a platform thread waits
     * inside that {@code recv} for the first byte, as a blocking {@code SocketChannel} does, rather
     * than in {@code poll} between two ({@link KernelRead}; where the JDK's signal is missing it
     * does not). {@link #close()}, a shutdown of reads and an interrupt end such a wait. A virtual
     * thread never waits in the kernel: it gets {@code ERR_BLOCK} and parks through {@link #fd()}.
     *
     * @return bytes read ({@code > 0}), 0 at end of stream, or {@link IoChannel#ERR_BLOCK} (the
     *     readiness has been told; after a kernel wait: it ended without data, a close or a stray
     *     signal, and the caller checks and waits again)
     * @throws java.io.InterruptedIOException if the thread was interrupted in a kernel wait; its
     *     status stays set
     * @throws IOException with the kernel's reason (a reset, say)
     */
    public long read(ByteBuffer[] iov, boolean peek, boolean blocking, String name) throws IOException {
        KernelRead wait =
                blocking && KernelRead.AVAILABLE && !Thread.currentThread().isVirtual() ? kernelRead() : null;
        int flags = (wait == null ? Sys.MSG_DONTWAIT : 0) | (peek ? Sys.MSG_PEEK : 0);
        return reads().transfer(fd, iov, flags, null, 0, wait, name);
    }

    /**
     * As {@link #read}, never waiting, through {@code recvmsg} with {@code control} offered for
     * descriptors ({@code MSG_CMSG_CLOEXEC}): afterwards {@link ControlMessages#deliver} hands over
     * what came with the bytes. A unix stream socket stops a read once it has taken one write's
     * descriptors, so a read delivers at most one write's descriptors, with that write's first
     * byte among the bytes read.
     */
    public long read(ByteBuffer[] iov, boolean peek, ControlMessages control, String name) throws IOException {
        control.clear();
        return reads().transfer(
                        fd,
                        iov,
                        Sys.MSG_DONTWAIT | Sys.MSG_CMSG_CLOEXEC | (peek ? Sys.MSG_PEEK : 0),
                        control,
                        control.capacity(),
                        null,
                        name);
    }

    /**
     * One {@code send}/{@code sendmsg} ({@code MSG_NOSIGNAL}: a closed peer is an error, never a
     * signal) from the live part of {@code iov}, advancing the positions.
     *
     * @return bytes written ({@code > 0}) or {@link IoChannel#ERR_BLOCK} (the readiness has been told)
     * @throws IOException with the kernel's reason (broken pipe, reset)
     */
    public long write(ByteBuffer[] iov, String name) throws IOException {
        return write(iov, 0, name);
    }

    /**
     * As {@link #write}, through {@code sendmsg} with {@code fds} as one {@code SCM_RIGHTS}
     * message: when any byte is sent, every descriptor is sent with the first one; on
     * {@link IoChannel#ERR_BLOCK} none is.
     *
     * @throws IllegalArgumentException for more than {@link ControlMessages#MAX_FDS}
     *     descriptors, a closed one, or one the kernel refuses ({@code EBADF}); nothing is sent
     */
    public long write(
            ByteBuffer[] iov, java.util.List<dev.qio.channel.NativeFd> fds, ControlMessages control, String name)
            throws IOException {
        long length = control.encode(fds, name);
        try {
            return writes().transfer(fd, iov, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL, control, length, null, name);
        } catch (SocketDirection.BadDescriptor e) {
            throw new IllegalArgumentException(name + ": cannot send the descriptors " + fds + ": " + e.getMessage());
        }
    }

    /** {@link #write} with {@code extraFlags} ({@code MSG_ZEROCOPY}, for {@link ZeroCopySends}). */
    long write(ByteBuffer[] iov, int extraFlags, String name) throws IOException {
        return writes().transfer(fd, iov, Sys.MSG_DONTWAIT | Sys.MSG_NOSIGNAL | extraFlags, null, 0, null, name);
    }

    private SocketDirection reads() {
        SocketDirection d = reads;
        return d != null ? d : (reads = new SocketDirection(false));
    }

    private SocketDirection writes() {
        SocketDirection d = writes;
        return d != null ? d : (writes = new SocketDirection(true));
    }

    private KernelRead kernelRead() {
        KernelRead k = kernelRead;
        return k != null ? k : (kernelRead = new KernelRead());
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
        control(name, "setsockopt(SOL_SOCKET, SO_LINGER)", (n, err) ->
                (int) Sys.SETSOCKOPT.invokeExact(err, n, Sys.SOL_SOCKET, SO_LINGER, MemorySegment.ofArray(linger), 8));
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
        control(name, "SO_PEERCRED", (n, err) -> (int) Sys.GETSOCKOPT.invokeExact(
                err, n, Sys.SOL_SOCKET, Sys.SO_PEERCRED, MemorySegment.ofArray(ucred), MemorySegment.ofArray(len)));
        return new dev.qio.channel.PeerCredentials(
                ucred[0], Integer.toUnsignedLong(ucred[1]), Integer.toUnsignedLong(ucred[2]));
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
        control(name, "setsockopt(" + level + ", " + option + ")", (n, err) ->
                (int) Sys.SETSOCKOPT.invokeExact(err, n, level, option, MemorySegment.ofArray(v), 4));
    }

    private int getInt(int level, int option, String name) throws IOException {
        int[] v = new int[1];
        int[] len = {4};
        control(name, "getsockopt(" + level + ", " + option + ")", (n, err) -> (int) Sys.GETSOCKOPT.invokeExact(
                err, n, level, option, MemorySegment.ofArray(v), MemorySegment.ofArray(len)));
        return v[0];
    }

    private SocketAddress address(java.lang.invoke.MethodHandle call, String name) throws IOException {
        byte[] sa = new byte[SocketAddresses.SOCKADDR_MAX];
        int[] len = {SocketAddresses.SOCKADDR_MAX};
        control(name, "cannot read the socket's address", (n, err) ->
                (int) call.invokeExact(err, n, MemorySegment.ofArray(sa), MemorySegment.ofArray(len)));
        return SocketAddresses.decode(sa, len[0]);
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

    @Override
    public String toString() {
        return "NativeSocket[" + fd + "]";
    }
}
