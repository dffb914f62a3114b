package dev.qio.provider.ws;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The {@code ws+SCHEME://…} layer. The registry hands it every URI whose scheme starts with
 * {@code ws+}; it takes its own options ({@code path}, {@code origin}, {@code max-frame},
 * {@code max-message}, {@code write-frame}, {@code text=refuse|accept},
 * {@code handshake-timeout}), opens or listens on the rest as the inner URI through the registry
 * it is given, and runs the upgrade before handing a channel out.
 *
 * <p>With an inner URI that names a host and port, the URI's path is the resource
 * ({@code ws+tcp://127.0.0.1:5700/websockify}); a client sends it and that host and port as
 * {@code Host}, a server accepts only it. Without one, {@code path=} names it; a client then asks
 * for {@code /} and sends {@code Host: localhost}, and a server accepts any path.
 *
 * <p>The hints and the peer's pid and credentials go to the inner channel ({@code ws+unix:}
 * reports the unix peer's; see {@link dev.qio.channel.spi.LayerChannel}).
 */
@AutoService(ChannelProvider.class)
public final class WsProvider extends LayerProvider {
    static final String SCHEME = "ws";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. SHUTDOWN and CONCURRENT_IO where the inner channel has them. */
    public WsProvider() {
        super(SCHEME, Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO));
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        WsOptions.Parsed parsed = WsOptions.parse(uri);
        URI innerUri = parsed.inner();
        String host = !innerUri.isOpaque() && innerUri.getPort() >= 0 ? innerUri.getRawAuthority() : "localhost";
        return openOver(
                registry,
                innerUri,
                inner -> new FramedChannel(inner, true, parsed.options(), host),
                FramedChannel::handshake);
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        WsOptions.Parsed parsed = WsOptions.parse(uri);
        return new WsListener(registry.listen(parsed.inner()), parsed.options());
    }
}
