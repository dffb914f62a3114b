package dev.qio.channel.spi;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * The base of a layer's provider ({@code tls+}, {@code ws+}, {@code fault+}): one scheme prefix,
 * the features a layer can have, and opening a channel over an inner URI so that nothing leaks
 * when a step fails. A layer adds only its options, its channel and its listener.
 *
 * <p>{@link #features(String)} answers for {@code NAME} and every {@code NAME+SCHEME}: a layer's
 * channel has each of those features only where the channel under it has it too, which the
 * channel itself reports once open.
 */
public abstract class LayerProvider implements ChannelProvider {
    private final String scheme;
    private final Set<String> schemes;
    private final Set<Feature> features;

    /**
     * @param scheme the layer's name, as in {@code NAME+tcp://…}
     * @param features what the layer can have where the inner channel has it
     */
    protected LayerProvider(String scheme, Set<Feature> features) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.schemes = Set.of(scheme);
        this.features = Set.copyOf(features);
    }

    /** The layer's name. */
    protected final String scheme() {
        return scheme;
    }

    @Override
    public final Set<String> schemes() {
        return schemes;
    }

    @Override
    public final boolean isLayer() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code scheme} is not this layer's name or {@code NAME+SCHEME}
     */
    @Override
    public final Set<Feature> features(String scheme) {
        LayerUri.requireLayerScheme(scheme, this.scheme);
        return features;
    }

    /** Puts a layer on a freshly opened inner channel. */
    @FunctionalInterface
    protected interface Wrap<C extends IoChannel> {
        /** The layer's channel over {@code inner}, which it now owns. */
        C wrap(IoChannel inner) throws IOException;
    }

    /** Starts a layer's channel before it is handed out (a handshake), or does nothing. */
    @FunctionalInterface
    protected interface Start<C extends IoChannel> {
        /** Runs the layer's start on {@code channel}. */
        void start(C channel) throws IOException;
    }

    /**
     * Opens {@code inner} through {@code registry}, wraps it and starts the result. If wrapping
     * fails, the inner channel is closed; if starting fails, the layer's channel is (and with it the
     * inner one). Either way the failure is rethrown.
     *
     * @return the started channel
     */
    protected static <C extends IoChannel> C openOver(ChannelRegistry registry, URI inner, Wrap<C> wrap, Start<C> start)
            throws IOException {
        IoChannel channel = registry.open(inner);
        C layered;
        try {
            layered = wrap.wrap(channel);
        } catch (IOException | RuntimeException e) {
            closeAfter(channel, e);
            throw e;
        }
        try {
            start.start(layered);
            return layered;
        } catch (IOException | RuntimeException e) {
            closeAfter(layered, e);
            throw e;
        }
    }

    private static void closeAfter(IoChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException | RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }
}
