package dev.qio.provider.socket;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Socket pairs for the kit: listen, connect, accept, with send and receive buffers shrunk to 64 KiB
 * so that writes are really partial (QEMU's socket test does the same).
 */
final class SocketFixtures {
    private SocketFixtures() {}

    static final String BUFFERS = "sndbuf=65536&rcvbuf=65536";

    static final Set<Capability> STREAM =
            EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);

    /** A fixture that listens on {@code listenUri} and connects to the listener's real address. */
    static ChannelFixture pairs(String name, java.util.function.Supplier<String> listenUri) {
        return ChannelFixture.of(
                name, STREAM, () -> ChannelPair.connected(IoChannels.registry(), listenUri.get(), BUFFERS));
    }

    static String tcp4() {
        return "tcp://127.0.0.1:0?" + BUFFERS;
    }

    static String tcp6() {
        Assumptions.assumeTrue(hasIpv6Loopback(), "this host has no IPv6 loopback (::1): tcp6 skipped");
        return "tcp://[::1]:0?" + BUFFERS;
    }

    static String unix() {
        return "unix://" + TestSupport.freshSocketPath() + "?" + BUFFERS;
    }

    static boolean hasIpv6Loopback() {
        try {
            InetAddress lo = InetAddress.getByName("::1");
            if (!(lo instanceof Inet6Address)) {
                return false;
            }
            try (var s = java.nio.channels.ServerSocketChannel.open()) {
                s.bind(new java.net.InetSocketAddress(lo, 0));
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
