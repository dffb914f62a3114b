package dev.qio.provider.socket;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.TableProvider;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What both socket backends share: the URI syntax, the options, trying each address of a name in
 * turn, and the checks before binding. A backend supplies one connection attempt and one bind.
 */
abstract sealed class SocketProviderBase extends TableProvider permits SocketProvider, LinuxSocketProvider {
    /** The {@code java.nio} backend's features; the native one adds its own ({@link LinuxSocketProvider}). */
    static final SchemeTable PORTABLE =
            SchemeTable.of(Set.of("tcp", "unix"), EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN));

    SocketProviderBase(SchemeTable table) {
        super(table);
    }

    @Override
    public final IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        boolean tcp = isTcp(uri);
        Endpoint at = Endpoint.of(uri, true);
        UriOptions o = UriOptions.of(uri);
        SocketAddress abstractAddress = tcp ? null : AbstractUnixOptions.read(o, at);
        SocketOptions options = SocketOptions.forOpen(o, tcp);
        String name = o.uri();
        IOException failure = null;
        for (SocketAddress address : abstractAddress != null
                ? List.of(abstractAddress)
                : at.resolveAll(name)) { // as QEMU: the first address that connects
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

    @Override
    public final IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        boolean tcp = isTcp(uri);
        Endpoint at = Endpoint.of(uri, false);
        UriOptions o = UriOptions.of(uri);
        SocketAddress abstractAddress = tcp ? null : AbstractUnixOptions.read(o, at);
        SocketOptions options = SocketOptions.forListen(o, tcp);
        String name = o.uri();
        if (abstractAddress != null) { // no file: the kernel refuses a name in use (EADDRINUSE)
            return bind(name, abstractAddress, options, null);
        }
        if (!tcp && Files.exists(at.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BindException(name + ": address in use: " + at.path() + " exists");
        }
        return bind(name, at.resolveAll(name).getFirst(), options, tcp ? null : at.path());
    }

    /**
     * One connection attempt on a fresh socket, closed if the attempt fails.
     *
     * @throws IOException naming {@code name}: refused, timed out, unreachable
     */
    abstract IoChannel connect(String name, SocketAddress address, SocketOptions options, boolean tcp)
            throws IOException;

    /**
     * Binds and listens.
     *
     * @param unixPath the socket file a unix listener creates (and removes on close), else null
     *     (TCP, or an abstract unix address)
     */
    abstract IoListener bind(String name, SocketAddress address, SocketOptions options, java.nio.file.Path unixPath)
            throws IOException;

    private static boolean isTcp(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("tcp");
    }
}
