package dev.qio.provider.socket;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Opens {@code tcp://HOST:PORT} and {@code unix:///PATH} channels and listeners.
 *
 * <ul>
 *   <li>{@code tcp://HOST:PORT[?nodelay=BOOL&keepalive=BOOL&connect-timeout=MS&sndbuf=BYTES&rcvbuf=BYTES]}
 *       connects; HOST is a name, an IPv4 literal or an IPv6 literal in brackets. A name is tried
 *       address by address, in the resolver's order, until one connects (as QEMU does);
 *       {@code connect-timeout} bounds each attempt ({@code 0}: no bound).
 *   <li>{@code listen("tcp://HOST:PORT[?backlog=N&...]")} binds (a name: its first address); port 0
 *       picks a free port, which {@link IoListener#localUri()} reports.
 *   <li>{@code unix:///PATH} likewise ({@code sndbuf}, {@code rcvbuf}, {@code backlog}). A
 *       listener creates the socket file and removes it on close.
 * </ul>
 * Errors name the address: connection refused, unknown host, address in use, connect timeout.
 */
@AutoService(ChannelProvider.class)
public final class SocketProvider implements ChannelProvider {

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public SocketProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("tcp", "unix");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code scheme} is not {@code tcp} or {@code unix} (in
     *     any case)
     */
    @Override
    public Set<Feature> features(String scheme) {
        if (!schemes().contains(scheme.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not one of " + new java.util.TreeSet<>(schemes()));
        }
        return Set.copyOf(EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN));
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        boolean tcp = isTcp(uri);
        Endpoint at = Endpoint.of(uri, true);
        UriOptions o = UriOptions.of(uri);
        SocketOptions options = SocketOptions.forOpen(o, tcp);
        String name = o.uri();
        IOException failure = null;
        for (SocketAddress address : at.resolveAll(name)) { // as QEMU: the first address that connects
            try {
                return connect(name, address, options, tcp);
            } catch (IOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e; // as QEMU, the last attempt's error is the one reported
            }
        }
        if (failure == null) { // a resolver that answered with no address at all
            throw new java.net.UnknownHostException(name + ": no address for '" + at.host() + "'");
        }
        throw failure;
    }

    /** One connection attempt on a fresh socket, which is closed if the attempt fails. */
    private static IoChannel connect(String name, SocketAddress address, SocketOptions options, boolean tcp)
            throws IOException {
        SocketChannel socket = tcp ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            options.applyConnecting(socket, tcp);
            if (options.connectTimeout() != null) { // tcp only: SocketOptions refuses it for unix
                socket.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            } else {
                socket.connect(address);
            }
            return new SocketIoChannel(name, socket, tcp);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw connectError(name, options, e);
        }
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        boolean tcp = isTcp(uri);
        Endpoint at = Endpoint.of(uri, false);
        UriOptions o = UriOptions.of(uri);
        SocketOptions options = SocketOptions.forListen(o, tcp);
        String name = o.uri();
        if (!tcp && Files.exists(at.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BindException(name + ": address in use: " + at.path() + " exists");
        }
        SocketAddress address = at.resolveAll(name).getFirst();
        ServerSocketChannel server = tcp ? ServerSocketChannel.open() : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            options.applyListening(server);
            server.bind(address, options.backlog());
            return new SocketIoListener(server, options, tcp ? null : at.path());
        } catch (BindException e) {
            server.close();
            throw new BindException(name + ": address in use (" + e.getMessage() + ")");
        } catch (IOException e) {
            server.close();
            throw new IOException(name + ": cannot listen: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static boolean isTcp(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("tcp");
    }

    private static IOException connectError(String name, SocketOptions options, Exception e) {
        if (e instanceof SocketTimeoutException) {
            return new SocketTimeoutException(name + ": connect timed out after " + options.connectTimeout().toMillis() + " ms");
        }
        if (e instanceof ConnectException || e instanceof java.nio.file.NoSuchFileException) {
            ConnectException c = new ConnectException(name + ": connection refused");
            c.initCause(e);
            return c;
        }
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().contains("No such file")) {
            ConnectException c = new ConnectException(name + ": connection refused (no socket file)");
            c.initCause(e);
            return c;
        }
        return new IOException(name + ": cannot connect: " + e, e);
    }

}
