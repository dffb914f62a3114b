package dev.qio.provider.tls;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerProvider;
import dev.qio.channel.spi.LayerUri;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The {@code tls+SCHEME://…} layer. The registry hands it every URI whose scheme starts with
 * {@code tls+}; it takes its own options (see {@link TlsOptions#NAMES}), opens the rest as the
 * inner URI through the registry it is given, wraps the inner channel and shakes hands before
 * returning, so callers get a channel ready for plaintext.
 *
 * <p>A client checks the server's certificate against {@code hostname=}, or, when that is not
 * given, against the inner URI's host if the URI names a network address ({@code host:port}); a
 * {@code unix:} or {@code mem:} connection has no host, so only its chain is checked unless
 * {@code hostname=} says which name to expect.
 *
 * <p>The channel's hints and peer pid and credentials are the inner channel's: {@code tls+unix:}
 * reports the unix peer's, {@code tls+tcp:} refuses as {@code tcp:} does.
 */
@AutoService(ChannelProvider.class)
public final class TlsProvider extends LayerProvider {
    static final String SCHEME = "tls";

    /**
     * Creates the provider; {@link java.util.ServiceLoader} calls this. SHUTDOWN and CONCURRENT_IO
     * where the inner channel has them.
     */
    public TlsProvider() {
        super(SCHEME, Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO));
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        LayerUri split = LayerUri.split(uri, SCHEME, TlsOptions.NAMES);
        TlsOptions options = TlsOptions.read(split.layer(), TlsCredentials.Endpoint.CLIENT);
        if (options.authz != null) {
            throw split.layer().bad("authz", "applies to servers (listen), not to a client's open");
        }
        URI inner = split.inner();
        String hostname = options.hostname != null ? options.hostname : inner.getPort() >= 0 ? inner.getHost() : null;
        if (hostname != null && hostname.startsWith("[") && hostname.endsWith("]")) {
            hostname = hostname.substring(1, hostname.length() - 1); // an IPv6 literal as the certificate holds it
        }
        String expected = hostname;
        return openOver(
                registry,
                inner,
                channel -> TlsChannels.client(channel, options.credentials, expected, inner.getPort()),
                TlsChannel::handshake);
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        LayerUri split = LayerUri.split(uri, SCHEME, TlsOptions.NAMES);
        TlsOptions options = TlsOptions.read(split.layer(), TlsCredentials.Endpoint.SERVER);
        if (options.hostname != null) {
            throw split.layer().bad("hostname", "applies to clients (open), not to a listener");
        }
        if (!options.credentials.hasServerIdentity()) {
            throw new IllegalArgumentException(split.layer().uri() + ": a TLS listener needs a server certificate:"
                    + " creds-dir with server-cert.pem and server-key.pem, or cert= and key=, or keystore=");
        }
        return new TlsListener(registry.listen(split.inner()), options.credentials, options.authz);
    }
}
