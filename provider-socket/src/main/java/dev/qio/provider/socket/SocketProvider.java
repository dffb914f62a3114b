package dev.qio.provider.socket;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.linux.AbstractUnixAddress;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Opens {@code tcp://HOST:PORT} and {@code unix:///PATH} channels and listeners.
 *
 * <ul>
 *   <li>{@code tcp://HOST:PORT[?nodelay=BOOL&keepalive=BOOL&linger=0&connect-timeout=MS&sndbuf=BYTES&rcvbuf=BYTES]}
 *       connects; HOST is a name, an IPv4 literal or an IPv6 literal in brackets. A name is tried
 *       address by address, in the resolver's order, until one connects (as QEMU does);
 *       {@code connect-timeout} bounds each attempt ({@code 0}: no bound).
 *       {@code linger=0} ({@code SO_LINGER} 0, on a listener for every socket it accepts): closing
 *       the channel resets the connection, sending an RST and no FIN, and drops what was not sent;
 *       the peer's read fails ("Connection reset") and never sees an end of stream. Only 0 is
 *       taken, as a positive linger makes {@code close} block in the kernel. Without it a close is
 *       an ordinary FIN.
 *   <li>{@code listen("tcp://HOST:PORT[?backlog=N&...]")} binds (a name: its first address); port 0
 *       picks a free port, which {@link IoListener#localUri()} reports.
 *   <li>{@code unix:///PATH} likewise ({@code sndbuf}, {@code rcvbuf}, {@code backlog}). A
 *       listener creates the socket file and removes it on close.
 *   <li>{@code unix:///NAME?abstract=true[&tight=BOOL]}: QEMU's abstract-namespace address
 *       ({@link AbstractUnixOptions}); the native backend only, this one refuses it with an
 *       {@link UnsupportedOperationException} naming the option.
 * </ul>
 * Errors name the address: connection refused, unknown host, address in use, connect timeout.
 *
 * <p>This is the {@code java.nio} backend (priority 0): it serves these schemes wherever the
 * Linux-native one ({@link LinuxSocketProvider}, priority 100) cannot run, and where it is turned
 * off with {@code -Dqio.native=false}.
 */
@AutoService(ChannelProvider.class)
public final class SocketProvider extends SocketProviderBase {

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public SocketProvider() {
        super(PORTABLE);
    }

    @Override
    IoChannel connect(String name, SocketAddress address, SocketOptions options, boolean tcp) throws IOException {
        if (address instanceof AbstractUnixAddress) {
            throw AbstractUnixOptions.refusedOnNio(name);
        }
        SocketChannel socket = tcp ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            options.applyConnecting(socket, tcp);
            if (options.connectTimeout() != null) { // tcp only: SocketOptions refuses it for unix
                socket.socket().connect(address, (int)
                        Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
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
    IoListener bind(String name, SocketAddress address, SocketOptions options, Path unixPath) throws IOException {
        if (address instanceof AbstractUnixAddress) {
            throw AbstractUnixOptions.refusedOnNio(name);
        }
        ServerSocketChannel server =
                unixPath == null ? ServerSocketChannel.open() : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            options.applyListening(server);
            server.bind(address, options.backlog());
            return new SocketIoListener(server, options, unixPath);
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

    private static IOException connectError(String name, SocketOptions options, Exception e) {
        if (e instanceof SocketTimeoutException) {
            return new SocketTimeoutException(name + ": connect timed out after "
                    + options.connectTimeout().toMillis() + " ms");
        }
        if (e instanceof ConnectException || e instanceof java.nio.file.NoSuchFileException) {
            ConnectException c = new ConnectException(name + ": connection refused");
            c.initCause(e);
            return c;
        }
        if (e instanceof IOException io
                && io.getMessage() != null
                && io.getMessage().contains("No such file")) {
            ConnectException c = new ConnectException(name + ": connection refused (no socket file)");
            c.initCause(e);
            return c;
        }
        return new IOException(name + ": cannot connect: " + e, e);
    }
}
