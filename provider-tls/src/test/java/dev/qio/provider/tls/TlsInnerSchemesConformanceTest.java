package dev.qio.provider.tls;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.MixedPairs;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;

/**
 * The kit's one body over {@code tls+} on inner transports the single-scheme suites
 * ({@link TlsMemConformanceTest}, {@link TlsTcpConformanceTest}, {@link TlsUnixConformanceTest},
 * {@link TlsMixedBackendConformanceTest}) leave out: unix on the {@code java.nio} backend (the
 * default is native wherever it runs), tcp split and blocked at random by {@code fault+} under the
 * records, and tcp with the client on the native backend and the listener on {@code java.nio}, in
 * both directions.
 */
class TlsInnerSchemesConformanceTest {
    static final String NATIVE = "dev.qio.provider.socket.LinuxSocketProvider";
    static final String NIO = "dev.qio.provider.socket.SocketProvider";
    private static final AtomicInteger SEEDS = new AtomicInteger(0x715);

    /** A fixture: {@code tls+SCHEME} listened through {@code listenSide}, connected through {@code connectSide}. */
    static ChannelFixture across(
            String name, String scheme, Supplier<String> listenUri, String listenSide, String connectSide) {
        return ChannelFixture.of(name, TlsFixtures.STREAM, () -> {
            ChannelRegistry all = IoChannels.registry();
            String query = TlsFixtures.credsQuery() + "&" + TlsFixtures.BUFFERS;
            return MixedPairs.connected(
                    MixedPairs.only(all, scheme, listenSide),
                    listenUri.get() + "?" + query,
                    MixedPairs.only(all, scheme, connectSide),
                    query);
        });
    }

    @Nested
    class UnixOnNio extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            return across("tls+unix nio", "unix", () -> "tls+unix://" + TlsFixtures.socketPath(), NIO, NIO);
        }
    }

    @Nested
    class TcpNativeToNio extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            return across("tls+tcp native→nio", "tcp", () -> "tls+tcp://127.0.0.1:0", NIO, NATIVE);
        }
    }

    /**
     * The same connection with the bytes going the other way: the accepted end writes, the client
     * reads, so the client's reads and watches meet what a TLS 1.3 server sends after the
     * handshake (its session tickets) before any data.
     */
    @Nested
    class TcpNativeToNioReversed extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            ChannelFixture forward = across("", "tcp", () -> "tls+tcp://127.0.0.1:0", NIO, NATIVE);
            return ChannelFixture.of(
                    "tls+tcp nio→native (the client reads)",
                    TlsFixtures.STREAM,
                    () -> MixedPairs.reversed(forward.open()));
        }
    }

    /** Records split at random points and spurious ERR_BLOCKs below the TLS layer, on both ends. */
    @Nested
    class OverFaultTcp extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            return TlsFixtures.pairs(
                    "tls+fault+tcp (split=50&block=30)",
                    () -> "tls+fault+tcp://127.0.0.1:0?" + TlsFixtures.credsQuery() + "&" + TlsFixtures.BUFFERS
                            + "&split=50&block=30&seed=" + SEEDS.incrementAndGet(),
                    TlsFixtures.BUFFERS + "&split=50&block=30&seed=" + SEEDS.incrementAndGet());
        }
    }
}
