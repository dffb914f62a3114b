package dev.qio.provider.socket;

import com.google.auto.service.AutoService;
import dev.qio.channel.Availability;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.channel.spi.linux.NativeSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The {@code tcp:} and {@code unix:} schemes on Linux-native sockets: direct system calls through
 * the FFM API, one epoll poller for the process, no {@code java.nio} channel underneath. The URI
 * syntax, options, errors and features are those of {@link SocketProvider}, which serves the same
 * schemes where this one cannot run.
 *
 * <p>Available on Linux (x86_64, aarch64) when the module {@code dev.qio.channel.spi} has native
 * access ({@code --enable-native-access=dev.qio.channel.spi}, or {@code ALL-UNNAMED} on the class
 * path) and {@code -Dqio.native=false} is not set; {@link #availability()} says which is missing.
 * Priority 100, above the {@code java.nio} provider's 0.
 */
@AutoService(ChannelProvider.class)
public final class LinuxSocketProvider extends SocketProviderBase {
    /** The priority of qio's native providers. */
    static final int PRIORITY = 100;

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public LinuxSocketProvider() {
        super(NATIVE);
    }

    @Override
    public Availability availability() {
        return Linux.unavailableReason().map(Availability::unavailable).orElse(Availability.available());
    }

    /** The portable features, with READ_MSG_PEEK on both schemes and FD_PASS on {@code unix}. */
    private static final SchemeTable NATIVE = SchemeTable.of(java.util.Map.of(
            "tcp", EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN, Feature.READ_MSG_PEEK),
            "unix",
                    EnumSet.of(
                            Feature.SHUTDOWN,
                            Feature.CONCURRENT_IO,
                            Feature.LISTEN,
                            Feature.READ_MSG_PEEK,
                            Feature.FD_PASS)));

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    IoChannel connect(String name, SocketAddress address, SocketOptions options, boolean tcp) throws IOException {
        requireAvailable();
        NativeSocket socket = NativeSocket.open(address);
        try {
            options.applyConnecting(socket, tcp, name);
            socket.connect(
                    address,
                    options.connectTimeout() == null
                            ? 0
                            : options.connectTimeout().toNanos(),
                    name);
            return new LinuxSocketChannel(name, socket, tcp);
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    @Override
    IoListener bind(String name, SocketAddress address, SocketOptions options, Path unixPath) throws IOException {
        requireAvailable();
        NativeSocket socket = NativeSocket.listen(address, options.backlog(), options.rcvbuf(), name);
        try {
            return new LinuxSocketListener(socket, options, unixPath);
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** An explicit {@code ChannelRegistry.choose} can pick this provider where it cannot run. */
    private void requireAvailable() {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new UnsupportedOperationException("the Linux-native socket provider cannot run here: " + a.reason());
        }
    }
}
