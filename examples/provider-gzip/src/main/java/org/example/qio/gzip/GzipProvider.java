package org.example.qio.gzip;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerListener;
import dev.qio.channel.spi.LayerUri;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code gzip+SCHEME://…} layer. The registry hands it every URI whose scheme starts with
 * {@code gzip+}; it removes that prefix, opens the rest ({@code SCHEME://…}, query and all)
 * through the registry it was given, and wraps the inner channel in a {@link GzipChannel}: writes
 * are compressed into one gzip member, reads decompress (several concatenated members, as
 * {@code gzip -dc} does).
 *
 * <p>The layer takes no options of its own: every query option belongs to the inner channel
 * ({@code gzip+file:///tmp/x.gz?mode=w} opens {@code file:///tmp/x.gz?mode=w}).
 *
 * <p>{@link #listen} works for inner schemes that listen ({@code gzip+mem://NAME},
 * {@code gzip+tcp://…}): every accepted channel is wrapped.
 */
@AutoService(ChannelProvider.class)
public final class GzipProvider implements ChannelProvider {
    static final String SCHEME = "gzip";

    /** For {@link java.util.ServiceLoader}, and for {@link ChannelRegistry#of}. */
    public GzipProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /** What a gzip channel can have: SHUTDOWN and CONCURRENT_IO, each only if the inner channel has it. */
    @Override
    public Set<Feature> features(String scheme) {
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not gzip or gzip+SCHEME");
        }
        return Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO);
    }

    @Override
    public boolean isLayer() {
        return true;
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        URI inner = inner(uri);
        IoChannel channel = registry.open(inner);
        try {
            return new GzipChannel(UriOptions.displayName(uri), channel);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        URI inner = inner(uri);
        return new GzipListener(registry.listen(inner));
    }

    /**
     * {@code gzip+file:///x?mode=w} → {@code file:///x?mode=w}: the spi's {@link LayerUri} takes
     * a layered URI apart (the gzip layer has no options of its own, so all go inside) and
     * refuses a bare {@code gzip:} with the form to use.
     */
    static URI inner(URI uri) {
        return LayerUri.split(uri, SCHEME, Set.of()).inner();
    }

    /**
     * Wraps a listener of the inner scheme: accepted channels come out as gzip channels. The
     * spi's {@link LayerListener} does the delegation, {@code accept} and {@code onAccept}; a
     * gzip stream needs no handshake, so {@code wrap} is the only hook.
     */
    private static final class GzipListener extends LayerListener<GzipChannel> {
        GzipListener(IoListener inner) {
            super(SCHEME, inner);
        }

        @Override
        protected GzipChannel wrap(IoChannel inner) {
            return new GzipChannel(SCHEME + "+" + inner.name(), inner);
        }
    }
}
