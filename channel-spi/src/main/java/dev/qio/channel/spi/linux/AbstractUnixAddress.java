package dev.qio.channel.spi.linux;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A unix socket address in Linux's abstract namespace: a name with no file behind it, gone when the
 * last socket bound to it closes. On the wire it is {@code sun_path} starting with a NUL byte and
 * the name after it, as QEMU's {@code UnixSocketAddress} with {@code abstract=true} makes it.
 *
 * <p>{@code tight} is QEMU's option of the same name: a tight address is exactly as long as its
 * name ({@code 2 + 1 + length} bytes); a loose one is padded with NUL bytes to the full
 * {@code sizeof(struct sockaddr_un)}. The kernel compares the whole length, so a tight and a loose
 * address with the same name are two different addresses, and a client must use the form the
 * server bound. Most programs (systemd, Python, socat's {@code abstract-connect}) use tight
 * addresses, which is why QEMU's default is tight.
 *
 * <p>The JDK's {@link java.net.UnixDomainSocketAddress} cannot hold one (it is a file path, and a
 * path cannot contain a NUL byte), so only the native backend binds or connects to these.
 * Immutable; equal when name and tightness are.
 */
public final class AbstractUnixAddress extends SocketAddress {
    /** The most bytes a name can have: {@code sun_path} (108 bytes) less the leading NUL. */
    public static final int MAX_NAME_BYTES = 107;

    private final byte[] name;
    private final boolean tight;

    private AbstractUnixAddress(byte[] name, boolean tight) {
        this.name = name;
        this.tight = tight;
    }

    /**
     * The address named {@code name} (its UTF-8 bytes).
     *
     * @throws IllegalArgumentException if the name is empty or longer than {@link #MAX_NAME_BYTES}
     *     bytes; the message quotes it
     */
    public static AbstractUnixAddress of(String name, boolean tight) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("an abstract unix socket name cannot be empty");
        }
        if (bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("abstract unix socket name too long: " + bytes.length
                    + " bytes, at most " + MAX_NAME_BYTES + ": '" + name + "'");
        }
        return new AbstractUnixAddress(bytes, tight);
    }

    /** The name, without the leading NUL byte. */
    public String name() {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** Whether the address is exactly as long as its name (QEMU's {@code tight}, default true). */
    public boolean tight() {
        return tight;
    }

    /** Writes {@code struct sockaddr_un} into {@code sa} (zeroed, at least 110 bytes); returns its length. */
    int encode(byte[] sa) {
        sa[0] = (byte) Sys.AF_UNIX;
        sa[1] = 0;
        System.arraycopy(name, 0, sa, 3, name.length);
        return tight ? 3 + name.length : 2 + MAX_NAME_BYTES + 1;
    }

    /**
     * The address the kernel reported ({@code getsockname}), given {@code sun_path} starting at
     * index 2 with a NUL: a full-length one is loose, and its padding is not part of the name.
     */
    static AbstractUnixAddress decode(byte[] sa, int len) {
        boolean loose = len >= 2 + MAX_NAME_BYTES + 1;
        int end = Math.min(len, sa.length);
        if (loose) {
            while (end > 3 && sa[end - 1] == 0) {
                end--;
            }
        }
        return new AbstractUnixAddress(Arrays.copyOfRange(sa, 3, end), !loose);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AbstractUnixAddress a && a.tight == tight && Arrays.equals(a.name, name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name) * 31 + (tight ? 1 : 0);
    }

    /** {@code @NAME}, as {@code ss} and {@code /proc/net/unix} show abstract names, and {@code (loose)} when not tight. */
    @Override
    public String toString() {
        return "@" + name() + (tight ? "" : " (loose)");
    }
}
