package dev.qio.channel;

import java.io.IOException;
import java.net.URI;

/**
 * Opens channels and listeners by URI through the default {@link ChannelRegistry}: the providers
 * visible to this module's class loader, loaded once on first use.
 *
 * <pre>{@code
 * try (IoChannel ch = IoChannels.open("tcp://example.org:80")) {
 *     ch.writeAll(ByteBuffer.wrap(request));
 *     ch.readAll(response);
 * }
 * }</pre>
 */
public final class IoChannels {
    private IoChannels() {}

    private static final class DefaultHolder {
        static final ChannelRegistry REGISTRY = ChannelRegistry.load(IoChannels.class.getClassLoader());
    }

    /** The default registry. */
    public static ChannelRegistry registry() {
        return DefaultHolder.REGISTRY;
    }

    /**
     * Opens {@code uri} in blocking mode with the provider of its scheme.
     *
     * @throws UnknownSchemeException if no provider claims the scheme; lists the installed ones
     * @throws IllegalArgumentException if the URI is malformed or has an unknown option
     * @throws IOException if the provider cannot open it
     */
    public static IoChannel open(String uri) throws IOException {
        return registry().open(uri);
    }

    /** Behaves exactly as {@link #open(String)}. */
    public static IoChannel open(URI uri) throws IOException {
        return registry().open(uri);
    }

    /**
     * Binds a listener on {@code uri}, in blocking mode.
     *
     * @throws UnsupportedOperationException if the scheme cannot listen
     */
    public static IoListener listen(String uri) throws IOException {
        return registry().listen(uri);
    }

    /** Behaves exactly as {@link #listen(String)}. */
    public static IoListener listen(URI uri) throws IOException {
        return registry().listen(uri);
    }
}
