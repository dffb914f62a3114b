package dev.qio.testkit;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoListener;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * Pairs whose two ends come from different providers or backends: a listener served by one
 * registry and a client opened through another (the native socket backend against the
 * {@code java.nio} one, a {@code tls+} layer over one backend against the same layer over the
 * other), or a listener or client that qio did not write at all (wrap it with
 * {@link ChannelPair#connected(IoListener, ChannelPair.Connector)}). Each direction of a mixed pair
 * is a fixture of its own, as each end's writes and reads are different code:
 *
 * <pre>{@code
 * ChannelRegistry all = IoChannels.registry();
 * ChannelRegistry nativeTcp = MixedPairs.only(all, "tcp", "dev.qio.provider.socket.LinuxSocketProvider");
 * ChannelRegistry nioTcp = MixedPairs.only(all, "tcp", "dev.qio.provider.socket.SocketProvider");
 * ChannelFixture.of("tcp native→nio", STREAM,
 *         () -> MixedPairs.connected(nioTcp, "tcp://127.0.0.1:0", nativeTcp, ""));
 * }</pre>
 */
public final class MixedPairs {
    private MixedPairs() {}

    /**
     * {@code registry} with {@code scheme} served by the provider of class {@code providerClassName},
     * whatever the ranking says. Skips the calling test (a JUnit assumption) when that provider cannot
     * run here, naming its reason, so a fixture built on it skips rather than fails on a platform
     * without that backend.
     *
     * @throws IllegalArgumentException if no such provider claims the scheme
     */
    public static ChannelRegistry only(ChannelRegistry registry, String scheme, String providerClassName) {
        ChannelRegistry chosen = registry.choose(scheme, providerClassName);
        ChannelProvider p = chosen.provider(scheme).orElseThrow();
        Assumptions.assumeTrue(
                p.availability().isAvailable(),
                () -> providerClassName + " cannot serve " + scheme + " here: "
                        + p.availability().reason());
        return chosen;
    }

    /**
     * Listens on {@code listenUri} through {@code listenSide}, connects to the listener's real address
     * through {@code connectSide} (with {@code query} appended when not empty) and accepts: the client
     * writes, the accepted end reads.
     */
    public static ChannelPair connected(
            ChannelRegistry listenSide, String listenUri, ChannelRegistry connectSide, String query)
            throws IOException {
        IoListener listener = listenSide.listen(listenUri);
        return ChannelPair.connected(listener, uri -> connectSide.open(uri + (query.isEmpty() ? "" : "?" + query)));
    }

    /**
     * The same connection the other way round: {@code pair}'s reader writes and its writer reads;
     * finishing the writing closes the new writer, and closing closes all {@code pair} holds.
     */
    public static ChannelPair reversed(ChannelPair pair) throws IOException {
        return ChannelPair.of(pair.reader(), pair.writer(), pair);
    }
}
