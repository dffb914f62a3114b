package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The control buffer of one direction of a unix socket: descriptors going out as one
 * {@code SCM_RIGHTS} message, and descriptors coming in, decoded and handed over as owned
 * {@link NativeFd}s ({@link NativeFds#adopt}). Room for {@link #MAX_FDS} descriptors, QEMU's limit, in both directions.
 *
 * <p>Not thread-safe: one per direction, used under that direction's lock. Allocated once (native
 * memory, freed with this object); encoding and decoding allocate nothing but the received
 * {@code NativeFd}s themselves.
 */
public final class ControlMessages {
    /** The most descriptors one message carries (QEMU's {@code SOCKET_MAX_FDS}). */
    public static final int MAX_FDS = 16;

    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    /** {@code struct cmsghdr} on 64-bit Linux: {@code size_t cmsg_len; int cmsg_level; int cmsg_type}. */
    private static final int HEADER = 16;
    /** {@code CMSG_SPACE(MAX_FDS * sizeof(int))}: the header and the numbers, 8-aligned. */
    private static final int SPACE = HEADER + MAX_FDS * 4;

    private final MemorySegment buffer = Arena.ofAuto().allocate(SPACE, 8);
    private final int[] received = new int[MAX_FDS];
    private final MemorySegment errno = MemorySegment.ofArray(new int[1]);
    private int count;
    private boolean truncated;

    /** A control buffer for one direction of one socket. */
    public ControlMessages() {}

    /** Where the control buffer is, for {@code msg_control}. */
    long address() {
        return buffer.address();
    }

    /** The room a receive offers, for {@code msg_controllen}. */
    long capacity() {
        return SPACE;
    }

    /**
     * Writes one {@code SCM_RIGHTS} message carrying {@code fds}.
     *
     * @return its length, for {@code msg_controllen}
     * @throws IllegalArgumentException naming the limit when there are more than {@link #MAX_FDS},
     *     or naming a descriptor that is closed; nothing is sent then
     */
    long encode(List<NativeFd> fds, String name) {
        int n = fds.size();
        if (n > MAX_FDS) {
            throw new IllegalArgumentException(
                    name + ": Only " + MAX_FDS + " file descriptors can be sent in one write, got " + n);
        }
        for (int i = 0; i < n; i++) {
            NativeFd fd = fds.get(i);
            if (!fd.isOpen()) {
                throw new IllegalArgumentException(
                        name + ": descriptor " + (i + 1) + " of " + n + " to send is closed: " + fd);
            }
            buffer.set(JAVA_INT, HEADER + 4L * i, fd.value());
        }
        buffer.set(JAVA_LONG, 0, HEADER + 4L * n); // CMSG_LEN
        buffer.set(JAVA_INT, 8, SOL_SOCKET);
        buffer.set(JAVA_INT, 12, SCM_RIGHTS);
        return (HEADER + 4L * n + 7) & ~7L; // CMSG_SPACE
    }

    /** Forgets the last receive; call before a {@code recvmsg} that offers this buffer. */
    void clear() {
        count = 0;
        truncated = false;
        buffer.set(JAVA_LONG, 0, 0L);
    }

    /**
     * Records what a {@code recvmsg} delivered: the descriptors in the first {@code length} bytes
     * of the buffer, and whether the kernel cut the control data short ({@code MSG_CTRUNC} in
     * {@code msgFlags}). Only {@code SCM_RIGHTS} messages count; this socket asks for no other kind.
     */
    void decode(long length, int msgFlags) {
        truncated = (msgFlags & Sys.MSG_CTRUNC) != 0;
        long at = 0;
        while (at + HEADER <= length) {
            long len = buffer.get(JAVA_LONG, at);
            if (len < HEADER || at + len > length) {
                break;
            }
            if (buffer.get(JAVA_INT, at + 8) == SOL_SOCKET && buffer.get(JAVA_INT, at + 12) == SCM_RIGHTS) {
                for (long p = at + HEADER; p + 4 <= at + len && count < received.length; p += 4) {
                    received[count++] = buffer.get(JAVA_INT, p);
                }
            }
            at += (len + 7) & ~7L; // CMSG_NXTHDR: the next header is 8-aligned
        }
    }

    /**
     * Hands the descriptors of the last receive to {@code out} as owned {@link NativeFd}s
     * ({@link NativeFds#adopt}), each switched to blocking mode unless {@code preserveBlocking} (QEMU's rule: {@code O_NONBLOCK}
     * travels with the open file, and a receiver expects a blocking one). If the control data was
     * truncated, every descriptor that did arrive is closed and this throws. If {@code out}
     * refuses one (an unmodifiable list, say), the ones it did not take are closed and its
     * exception is rethrown: no descriptor is ever left without an owner.
     *
     * @throws IOException when the control data was truncated (the peer sent more than
     *     {@link #MAX_FDS})
     */
    public void deliver(List<NativeFd> out, boolean preserveBlocking, String name) throws IOException {
        int n = count;
        count = 0;
        int handed = 0;
        try {
            if (truncated) {
                throw new IOException(name + ": the peer sent more file descriptors than fit in one read (at most "
                        + MAX_FDS + "): closed the " + n + " that arrived");
            }
            while (handed < n) {
                if (!preserveBlocking) {
                    setBlocking(received[handed]);
                }
                NativeFd fd = NativeFds.adopt(received[handed]);
                handed++; // owned by fd from here: closed through it, never by number again
                try {
                    out.add(fd);
                } catch (RuntimeException | Error e) {
                    closeQuietly(fd, e);
                    throw e;
                }
            }
        } finally {
            for (int i = handed; i < n; i++) {
                Sys.close(received[i]);
            }
        }
    }

    private static void closeQuietly(NativeFd fd, Throwable failure) {
        try {
            fd.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Clears {@code O_NONBLOCK}; a descriptor that refuses keeps its mode (QEMU ignores this too). */
    private void setBlocking(int fd) {
        try {
            MemorySegment err = errno;
            int flags = (int) Sys.FCNTL.invokeExact(err, fd, Sys.F_GETFL, 0);
            if (flags >= 0 && (flags & Sys.O_NONBLOCK) != 0) {
                int ignored = (int) Sys.FCNTL.invokeExact(err, fd, Sys.F_SETFL, flags & ~Sys.O_NONBLOCK);
            }
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }
}
