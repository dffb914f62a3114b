package dev.qio.testkit;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How {@link ListenerContract} gets listeners from one provider: a name, a way to listen on a fresh
 * address, and a way to connect a client to a listener. The contract makes a new listener for every
 * check and closes it (and every client) afterwards.
 *
 * <pre>{@code
 * ListenerFixture.of("tcp4", IoChannels.registry(), () -> "tcp://127.0.0.1:0", "")
 * }</pre>
 */
public interface ListenerFixture {
    /** A short name shown in every test's display name, such as {@code tcp4} or {@code tls+unix}. */
    String name();

    /**
     * Listens on a fresh address (port 0, a new socket path, a new name), in blocking mode. Two
     * listeners from one fixture are open at once in some checks, so the addresses must differ.
     */
    IoListener listen() throws IOException;

    /**
     * Opens a client to {@code listener}. For a layer whose open talks to the peer (a TLS or
     * WebSocket handshake) this returns only once the listener side has accepted it; the contract
     * calls it on a thread of its own where no accept runs yet.
     */
    IoChannel connect(IoListener listener) throws IOException;

    /**
     * The socket file {@code listener} created, if any: the contract checks that it exists while the
     * listener is open and is gone once it is closed. By default, the path of a {@code unix:} (or
     * {@code LAYER+unix:}) address.
     */
    default Optional<Path> socketFile(IoListener listener) {
        URI uri = listener.localUri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean unix = scheme.equals("unix") || scheme.endsWith("+unix");
        String path = uri.getPath();
        return unix && path != null && !path.isEmpty() ? Optional.of(Path.of(path)) : Optional.empty();
    }

    /**
     * A fixture that listens on {@code listenUri.get()} through {@code registry} and connects to the
     * listener's {@link IoListener#localUri()} with {@code clientQuery} appended when not empty.
     */
    static ListenerFixture of(String name, ChannelRegistry registry, Supplier<String> listenUri, String clientQuery) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(listenUri, "listenUri");
        Objects.requireNonNull(clientQuery, "clientQuery");
        return new ListenerFixture() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public IoListener listen() throws IOException {
                return registry.listen(listenUri.get());
            }

            @Override
            public IoChannel connect(IoListener listener) throws IOException {
                return registry.open(listener.localUri() + (clientQuery.isEmpty() ? "" : "?" + clientQuery));
            }

            @Override
            public String toString() {
                return "ListenerFixture[" + name + "]";
            }
        };
    }
}
