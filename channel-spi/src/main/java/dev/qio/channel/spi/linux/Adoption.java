package dev.qio.channel.spi.linux;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * What adopting a descriptor by number takes (QEMU's {@code qio_channel_new_fd}): finding out what
 * it is, duplicating it when the caller keeps the original, and making it non-blocking and
 * close-on-exec. Every error names the descriptor and what it is not.
 */
public final class Adoption {
    private Adoption() {}

    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int ENOTSOCK = 88;

    /**
     * What a descriptor is.
     *
     * @param socket whether it is a socket; the other fields are about sockets only
     * @param family {@code AF_UNIX}, {@code AF_INET}, {@code AF_INET6} or another family's number
     * @param stream whether it is a stream socket ({@code SOCK_STREAM})
     * @param listening whether it listens ({@code SO_ACCEPTCONN})
     */
    public record Kind(boolean socket, int family, boolean stream, boolean listening) {
        /** Whether it is a unix socket. */
        public boolean unix() {
            return family == Sys.AF_UNIX;
        }

        /** Whether it is a TCP/IP socket (IPv4 or IPv6). */
        public boolean inet() {
            return family == Sys.AF_INET || family == Sys.AF_INET6;
        }
    }

    /**
     * What {@code fd} is.
     *
     * @throws IOException naming {@code name} and the number if it is not an open descriptor
     */
    public static Kind inspect(int fd, String name) throws IOException {
        fcntl(fd, F_GETFD, 0, name, "is not an open descriptor");
        int[] type = {0};
        int e = getsockopt(fd, SO_TYPE, type);
        if (e == ENOTSOCK) {
            return new Kind(false, 0, false, false);
        }
        if (e != 0) {
            throw new IOException(name + ": descriptor " + fd + ": getsockopt(SO_TYPE): " + Sys.strerror(e));
        }
        int[] family = {0};
        int[] listening = {0};
        if ((e = getsockopt(fd, SO_DOMAIN, family)) != 0 || (e = getsockopt(fd, SO_ACCEPTCONN, listening)) != 0) {
            throw new IOException(name + ": descriptor " + fd + ": getsockopt: " + Sys.strerror(e));
        }
        return new Kind(true, family[0], type[0] == Sys.SOCK_STREAM, listening[0] != 0);
    }

    /**
     * A new descriptor for what {@code fd} refers to ({@code F_DUPFD_CLOEXEC}); {@code fd} stays
     * the caller's. Both share the open file: its offset and its {@code O_NONBLOCK} flag.
     */
    public static int duplicate(int fd, String name) throws IOException {
        return fcntl(fd, F_DUPFD_CLOEXEC, 0, name, "cannot be duplicated");
    }

    /**
     * Makes {@code fd} close-on-exec (a child process started later does not inherit what a
     * channel owns) and non-blocking (the native backend waits through the poller instead). The
     * latter is a flag of the open file, so a process sharing it sees it too.
     */
    public static void prepare(int fd, String name) throws IOException {
        int fdFlags = fcntl(fd, F_GETFD, 0, name, "is not an open descriptor");
        fcntl(fd, F_SETFD, fdFlags | FD_CLOEXEC, name, "cannot be made close-on-exec");
        int flags = fcntl(fd, Sys.F_GETFL, 0, name, "is not an open descriptor");
        if ((flags & Sys.O_NONBLOCK) == 0) {
            fcntl(fd, Sys.F_SETFL, flags | Sys.O_NONBLOCK, name, "cannot be made non-blocking");
        }
    }

    /** Closes a number this class duplicated, on a failure path; the error, if any, is lost with it. */
    public static void closeQuietly(int fd) {
        Sys.close(fd);
    }

    private static int fcntl(int fd, int cmd, int arg, String name, String problem) throws IOException {
        MemorySegment err = Sys.errnoSlot();
        int rc;
        try {
            rc = (int) Sys.FCNTL.invokeExact(err, fd, cmd, arg);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (rc < 0) {
            throw new IOException(name + ": descriptor " + fd + " " + problem + ": " + Sys.strerror(Sys.errno(err)));
        }
        return rc;
    }

    /** One int option at SOL_SOCKET into {@code out}; returns 0 or errno. */
    private static int getsockopt(int fd, int option, int[] out) {
        MemorySegment err = Sys.errnoSlot();
        int[] len = {4};
        try {
            int rc = (int) Sys.GETSOCKOPT.invokeExact(
                    err, fd, Sys.SOL_SOCKET, option, MemorySegment.ofArray(out), MemorySegment.ofArray(len));
            return rc < 0 ? Sys.errno(err) : 0;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }
}
