package dev.qio.channel.spi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Helpers for iovs ({@code ByteBuffer[]}) that a provider's transfer code needs. None of them
 * allocates, so they are safe on the hot path.
 */
public final class Iov {
    private Iov() {}

    /**
     * The most buffers to hand one {@code java.nio} scattering or gathering call, as the kernel's
     * {@code IOV_MAX}. The JDK walks every buffer it is given, and with long iovs of
     * {@code MemorySegment} buffers its release chain can overflow the stack.
     */
    public static final int IOV_MAX = 1024;

    /**
     * The index of the first buffer with bytes remaining, or {@code iov.length} if none. The
     * {@code *All} loops hand providers the same array again after each partial transfer, so its
     * prefix may be used up; a provider passes {@code java.nio} the slice from here, at most
     * {@link #IOV_MAX} long.
     */
    public static int firstWithRemaining(ByteBuffer[] iov) {
        int i = 0;
        while (i < iov.length && !iov[i].hasRemaining()) {
            i++;
        }
        return i;
    }

    /**
     * The length of the live slice that starts at {@code from} (from {@link #firstWithRemaining}):
     * the rest of {@code iov}, at most {@link #IOV_MAX} buffers. With {@code from} it is the
     * {@code (iov, offset, length)} a {@code java.nio} scattering or gathering call, or
     * {@code SSLEngine}'s, takes:
     * {@code int from = Iov.firstWithRemaining(iov); ch.read(iov, from, Iov.sliceLength(iov, from))}.
     */
    public static int sliceLength(ByteBuffer[] iov, int from) {
        return Math.min(iov.length - from, IOV_MAX);
    }

    /** The bytes remaining across every buffer of {@code iov}. */
    public static long remaining(ByteBuffer[] iov) {
        long total = 0;
        for (ByteBuffer b : iov) {
            total += b.remaining();
        }
        return total;
    }

    /**
     * Copies up to {@code max} bytes from {@code src} into {@code iov}, filling its buffers in order,
     * and advances every position by what moved.
     *
     * @return the bytes copied
     */
    public static int fill(ByteBuffer[] iov, ByteBuffer src, int max) {
        return transfer(iov, src, max, true);
    }

    /**
     * Copies up to {@code max} bytes from {@code iov}, draining its buffers in order, into
     * {@code dst}, and advances every position by what moved.
     *
     * @return the bytes copied
     */
    public static int drain(ByteBuffer[] iov, ByteBuffer dst, int max) {
        return transfer(iov, dst, max, false);
    }

    private static int transfer(ByteBuffer[] iov, ByteBuffer other, int max, boolean intoIov) {
        int moved = 0;
        for (ByteBuffer b : iov) {
            if (moved == max || !other.hasRemaining()) {
                break;
            }
            int n = Math.min(Math.min(b.remaining(), other.remaining()), max - moved);
            if (n == 0) {
                continue;
            }
            ByteBuffer dst = intoIov ? b : other;
            ByteBuffer src = intoIov ? other : b;
            dst.put(dst.position(), src, src.position(), n);
            dst.position(dst.position() + n);
            src.position(src.position() + n);
            moved += n;
        }
        return moved;
    }

    /**
     * Checks an iov argument: not null, no null buffer, and (for reads) no read-only buffer.
     *
     * @throws NullPointerException naming the index of a null buffer
     * @throws IllegalArgumentException naming the index of a read-only buffer in a read
     */
    public static void check(ByteBuffer[] iov, boolean forRead) {
        Objects.requireNonNull(iov, "iov");
        for (int i = 0; i < iov.length; i++) {
            ByteBuffer b = iov[i];
            if (b == null) {
                throw new NullPointerException("iov[" + i + "] is null");
            }
            if (forRead && b.isReadOnly()) {
                throw new IllegalArgumentException("iov[" + i + "] is read-only and cannot be read into");
            }
        }
    }
}
