package org.example.qio.gzip;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import dev.qio.channel.spi.LayerUri;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

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

    /** Wraps a listener of the inner scheme: accepted channels come out as gzip channels. */
    private static final class GzipListener implements IoListener {
        private final IoListener inner;

        GzipListener(IoListener inner) {
            this.inner = inner;
        }

        private static IoChannel wrap(IoChannel ch) throws IOException {
            if (ch == null) {
                return null;
            }
            try {
                return new GzipChannel(SCHEME + "+" + ch.name(), ch);
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        @Override
        public IoChannel accept() throws IOException {
            return wrap(inner.accept());
        }

        @Override
        public void setBlocking(boolean blocking) throws IOException {
            inner.setBlocking(blocking);
        }

        @Override
        public boolean isBlocking() {
            return inner.isBlocking();
        }

        @Override
        public URI localUri() {
            return URI.create(SCHEME + "+" + inner.localUri());
        }

        @Override
        public String name() {
            return SCHEME + "+" + inner.name();
        }

        @Override
        public Set<Feature> features() {
            return inner.features();
        }

        @Override
        public Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
            return inner.onAccept(ch -> {
                IoChannel wrapped;
                try {
                    wrapped = wrap(ch);
                } catch (IOException | RuntimeException e) {
                    return; // the inner channel is closed by wrap; nothing to hand over
                }
                handler.accept(wrapped);
            }, loop);
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }

        @Override
        public String toString() {
            return "GzipListener[" + name() + "]";
        }
    }
}
