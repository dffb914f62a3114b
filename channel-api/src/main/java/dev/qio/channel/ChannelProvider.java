package dev.qio.channel;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The service a provider module implements: it opens channels for one or more URI schemes.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}, so each must register twice, and
 * both must agree: {@code provides dev.qio.channel.ChannelProvider with ...} in its
 * {@code module-info.java} (read on the module path) and a {@code META-INF/services} entry (read
 * on the class path; {@code @AutoService} writes it). The {@code dev.qio.channel.spi} module has
 * the kit that makes an implementation small.
 *
 * <p>A <em>layer</em> provider ({@link #isLayer()}) handles {@code NAME+INNER://...} by opening
 * the inner URI through the registry it is given and wrapping the result, as TLS does for
 * {@code tls+tcp://}.
 *
 * <p>Several providers may claim one scheme, as qio's own {@code tcp:} has a Linux-native
 * provider and a {@code java.nio} one. A provider that cannot run here says so in
 * {@link #availability()}, and among the available ones the highest {@link #priority()} serves the
 * scheme (see {@link ChannelRegistry} for the whole rule).
 */
public interface ChannelProvider {
    /** The schemes this provider opens, in lower case, for example {@code tcp} and {@code unix}. */
    Set<String> schemes();

    /**
     * The features channels of {@code scheme} can have. An instance may have fewer (a FIFO opened
     * through {@code file:} is not seekable).
     */
    Set<Feature> features(String scheme);

    /**
     * Opens a channel, in blocking mode.
     *
     * @param uri a URI whose scheme is one of {@link #schemes()} (or, for a layer, starts with one
     *     followed by {@code +})
     * @param registry the registry that chose this provider, for opening inner channels
     * @throws IllegalArgumentException if the URI is malformed or has an unknown option; the
     *     message names the option
     * @throws IOException if the channel cannot be opened; the message names the URI
     */
    IoChannel open(URI uri, ChannelRegistry registry) throws IOException;

    /**
     * Binds a listener, in blocking mode. The default refuses: not every scheme can accept.
     *
     * @throws UnsupportedOperationException if this provider cannot listen on {@code uri}'s scheme
     */
    default IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        throw new UnsupportedOperationException(uri.getScheme() + ": this scheme cannot listen");
    }

    /** Whether this provider wraps other schemes ({@code NAME+INNER://}). Default false. */
    default boolean isLayer() {
        return false;
    }

    /**
     * Whether this provider can open channels in this JVM on this platform. Must be cheap and
     * must not change while the JVM runs: the registry asks when it is built. The default says
     * yes.
     */
    default Availability availability() {
        return Availability.available();
    }

    /**
     * This provider's rank among the available providers of the same scheme: the highest serves
     * it. The default is 0; qio's {@code java.nio} providers use 0 and its native ones 100, so a
     * third party outranks both with more than 100 (or is outranked by both with less than 0).
     */
    default int priority() {
        return 0;
    }
}
