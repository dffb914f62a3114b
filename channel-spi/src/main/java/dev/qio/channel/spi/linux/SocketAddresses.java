package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
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
 * Socket addresses as the kernel takes and gives them: {@code struct sockaddr_in},
 * {@code sockaddr_in6} and {@code sockaddr_un} (paths and the abstract namespace) to and from
 * Java's address types.
 */
final class SocketAddresses {
    /** The largest address the kernel hands back ({@code struct sockaddr_storage}). */
    static final int SOCKADDR_MAX = 128;

    private static final int UNIX_PATH_MAX = 108;

    private SocketAddresses() {}

    /** The address family ({@code AF_UNIX}, {@code AF_INET}, {@code AF_INET6}) of {@code a}. */
    static int familyOf(SocketAddress a) {
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
                throw new IllegalArgumentException("unix socket path too long: " + path.length + " bytes, at most "
                        + (UNIX_PATH_MAX - 1) + ": " + u.getPath());
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

    /** Reads the first {@code len} bytes of {@code sa}, a {@code struct sockaddr_*}, as an address. */
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

    static {
        // Guard the one assumption the address encoding makes about byte order.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the native backend supports little-endian machines only");
        }
    }
}
