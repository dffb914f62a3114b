package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The Linux system calls of the native backend, bound once through the FFM API, with the
 * constants they need (x86_64 and aarch64 share every value used here).
 *
 * <p>Calls that never block are linked {@linkplain Linker.Option#critical(boolean) critical with
 * heap access}: they take heap segments (a heap {@code ByteBuffer}'s array, the {@code int[]} that
 * receives errno) without a copy, and skip the thread-state transition. Only {@code poll},
 * {@code epoll_wait} and {@code close} may block, so only they are linked normally; they take
 * native memory. Every call captures errno into its first argument, an {@code int[1]} segment.
 *
 * <p>This class is loaded only once {@link Linux#isAvailable()} said yes, so a JVM without native
 * access never links anything.
 */
final class Sys {
    private Sys() {}

    // Address families, socket types and flags.
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    // recv/send flags.
    static final int MSG_PEEK = 0x2;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // shutdown(2).
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;

    // Socket options.
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_PEERCRED = 17;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int TCP_CORK = 3;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;

    // poll(2) and epoll(7).
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLERR = 0x8;
    static final int EPOLLHUP = 0x10;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;

    // errno values.
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int EPIPE = 32;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int ECONNRESET = 104;
    static final int ENOTCONN = 107;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;
    static final int EINPROGRESS = 115;

    /** {@code struct epoll_event}: packed (12 bytes) on x86_64, naturally aligned (16) elsewhere. */
    static final boolean EPOLL_PACKED =
            "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));

    static final int EPOLL_EVENT_SIZE = EPOLL_PACKED ? 12 : 16;
    static final int EPOLL_DATA_OFFSET = EPOLL_PACKED ? 4 : 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    static final MethodHandle SOCKET = critical("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle CONNECT = critical("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle BIND = critical("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle LISTEN = critical("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle ACCEPT4 = critical("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle RECV = critical("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    static final MethodHandle SEND = critical("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    /** recv(2) into native memory given as a raw address: no segment per call for direct buffers. */
    static final MethodHandle RECV_AT = critical("recv", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    /** send(2) from native memory given as a raw address. */
    static final MethodHandle SEND_AT = critical("send", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    /**
     * send(2) from native memory with errno not captured, for a caller that repeats a failed call
     * through {@link #SEND_AT} to learn why (see {@code SocketDirection}).
     */
    static final MethodHandle SEND_AT_UNCAPTURED =
            uncaptured("send", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    /** send(2) from a heap segment with errno not captured, as {@link #SEND_AT_UNCAPTURED}. */
    static final MethodHandle SEND_UNCAPTURED = uncaptured("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

    static final MethodHandle RECVMSG = critical("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SENDMSG = critical("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SHUTDOWN = critical("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle SETSOCKOPT =
            critical("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle GETSOCKOPT =
            critical("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle GETSOCKNAME = critical("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle GETPEERNAME = critical("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle FCNTL = LINKER.downcallHandle(
            LIBC.find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            ERRNO,
            CRITICAL,
            Linker.Option.firstVariadicArg(2));
    static final MethodHandle EPOLL_CREATE1 = critical("epoll_create1", JAVA_INT, JAVA_INT);
    static final MethodHandle EPOLL_CTL = critical("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle EVENTFD = critical("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle WRITE = critical("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    static final MethodHandle READ = critical("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);

    /** epoll_wait(2) with timeout 0 only: never blocks, so critical (the dispatchers on virtual threads). */
    static final MethodHandle EPOLL_WAIT_NOW = critical("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    /** poll(2) with timeout 0 only: never blocks, so critical, heap {@code pollfd} allowed. */
    static final MethodHandle POLL_NOW = critical("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

    // May block: linked normally, native memory only.
    static final MethodHandle POLL = blocking("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    static final MethodHandle EPOLL_WAIT = blocking("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle CLOSE = blocking("close", JAVA_INT, JAVA_INT);

    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private static MethodHandle critical(
            String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), FunctionDescriptor.of(ret, args), ERRNO, CRITICAL);
    }

    private static MethodHandle uncaptured(
            String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), FunctionDescriptor.of(ret, args), CRITICAL);
    }

    private static MethodHandle blocking(
            String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), FunctionDescriptor.of(ret, args), ERRNO);
    }

    /** The C library's text for {@code errno}, with the number: "Connection refused (errno 111)". */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** A fresh errno slot for calls off the hot path. */
    static MemorySegment errnoSlot() {
        return MemorySegment.ofArray(new int[1]);
    }

    /** The errno a call stored into {@code slot}. */
    static int errno(MemorySegment slot) {
        return slot.get(JAVA_INT, 0);
    }

    /** close(2), ignoring EINTR (Linux releases the descriptor even then). */
    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(4);
            int rc = (int) CLOSE.invokeExact(err, fd);
            return rc < 0 && errno(err) != EINTR ? errno(err) : 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A Throwable from {@code invokeExact} as an unchecked exception (it only ever is one). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    // ---- linking for the binding classes of pipes and processes (NativeFile, FifoOpen, NativeProcess) ----

    /** Links a C library function as the calls above that never block are linked: critical, errno captured. */
    static MethodHandle linkCritical(
            String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return critical(name, ret, args);
    }

    /** Links a C library function that may block or run long normally, errno captured. */
    static MethodHandle linkBlocking(
            String name, java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return blocking(name, ret, args);
    }
}
