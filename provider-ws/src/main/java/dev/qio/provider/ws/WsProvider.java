package dev.qio.provider.ws;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
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
 */
@AutoService(ChannelProvider.class)
public final class WsProvider implements ChannelProvider {
    static final String SCHEME = "ws";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public WsProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public boolean isLayer() {
        return true;
    }

    /** SHUTDOWN and CONCURRENT_IO, each only where the inner channel has it. */
    @Override
    public Set<Feature> features(String scheme) {
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not ws or ws+SCHEME");
        }
        return Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO);
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        WsOptions.Parsed parsed = WsOptions.parse(uri);
        URI innerUri = parsed.inner();
        String host = !innerUri.isOpaque() && innerUri.getPort() >= 0 ? innerUri.getRawAuthority() : "localhost";
        IoChannel inner = registry.open(innerUri);
        FramedChannel ws;
        try {
            ws = new FramedChannel(inner, true, parsed.options(), host);
        } catch (IOException | RuntimeException e) {
            inner.close();
            throw e;
        }
        try {
            ws.handshake();
            return ws;
        } catch (IOException | RuntimeException e) {
            ws.close();
            throw e;
        }
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        WsOptions.Parsed parsed = WsOptions.parse(uri);
        return new WsListener(registry.listen(parsed.inner()), parsed.options());
    }
}
