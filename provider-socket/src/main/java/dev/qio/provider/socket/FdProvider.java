package dev.qio.provider.socket;

import com.google.auto.service.AutoService;
import dev.qio.channel.Availability;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.TableProvider;
import dev.qio.channel.spi.UriOptions;
import dev.qio.channel.spi.linux.Adoption;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.channel.spi.linux.NativeFile;
import dev.qio.channel.spi.linux.NativeFileChannel;
import dev.qio.channel.spi.linux.NativeSocket;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The {@code fd:} scheme: a descriptor this process already has, adopted as a channel or a
 * listener (QEMU's {@code qio_channel_new_fd}, and systemd socket activation).
 *
 * <ul>
 *   <li>{@code open("fd:N")}: a stream socket becomes a socket channel, the one {@code tcp:} and
 *       {@code unix:} use on this backend (SHUTDOWN, CONCURRENT_IO, and on a unix socket what the
 *       native unix channel has); anything else (a file, a pipe, a terminal) a file channel,
 *       SEEKABLE when it can seek. The channel owns N and closes it on close; with
 *       {@code ?dup=true} it works on a duplicate and N stays the caller's (how
 *       {@code IoChannels.open(NativeFd)} opens a received descriptor).
 *   <li>{@code listen("fd:N")}: N must be a listening stream socket (one a parent process bound).
 *   <li>{@code listen("fd:listen[?name=NAME]")}: the socket-activated descriptor ({@link Activation}:
 *       {@code LISTEN_FDS}, {@code LISTEN_PID}, {@code LISTEN_FDNAMES}); without {@code name} there
 *       must be exactly one.
 * </ul>
 * An adopted descriptor is made non-blocking (a flag of the open file, which a process sharing it
 * sees too) and close-on-exec. On any error the descriptor is left open and the caller's, as QEMU
 * leaves it; the error names the URI and the descriptor: not open, a listening
 * socket given to {@code open}, a datagram socket, activation variables missing or for another pid,
 * an unknown name.
 *
 * <p>The native backend only: adopting a number needs system calls that {@code java.nio} does not
 * offer, so where the native backend is off this provider is unavailable and says why.
 */
@AutoService(ChannelProvider.class)
public final class FdProvider extends TableProvider {
    private static final SocketOptions NO_OPTIONS = new SocketOptions(null, null, false, null, null, null, 0);

    private static final SchemeTable SCHEMES = SchemeTable.of(
            java.util.Map.of("fd", Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.SEEKABLE, Feature.LISTEN)));

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public FdProvider() {
        super(SCHEMES);
    }

    @Override
    public Availability availability() {
        return Linux.unavailableReason()
                .map(r -> Availability.unavailable(
                        "fd: adopts descriptors by number, which needs the Linux-native " + "backend: " + r))
                .orElse(Availability.available());
    }

    @Override
    public int priority() {
        return LinuxSocketProvider.PRIORITY;
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        requireAvailable();
        UriOptions o = UriOptions.of(uri);
        String name = o.uri();
        int given = number(o.target(), name, "open");
        boolean dup = o.bool("dup", false);
        o.finish();
        Adoption.Kind kind = Adoption.inspect(given, name);
        if (kind.listening()) {
            throw new IOException(
                    name + ": descriptor " + given + " is a listening socket: use listen(\"" + name + "\")");
        }
        requireStreamSocket(kind, given, name);
        int fd = dup ? Adoption.duplicate(given, name) : given;
        try {
            Adoption.prepare(fd, name);
            if (kind.socket()) {
                return new LinuxSocketChannel(name, NativeSocket.adopt(fd, kind.family()), kind.inet());
            }
            // What the descriptor is stays unknown (a regular file may wait for a disk): the safe linkage.
            return NativeFileChannel.adopt(name, new NativeFile(fd, NativeFile.Blocking.MAY_BLOCK));
        } catch (IOException | RuntimeException | Error e) {
            if (dup) {
                Adoption.closeQuietly(fd);
            }
            throw e;
        }
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        requireAvailable();
        UriOptions o = UriOptions.of(uri);
        String name = o.uri();
        boolean activated = o.target().equals("listen");
        String fdName = activated ? o.string("name").orElse(null) : null;
        o.finish();
        int fd = activated ? Activation.current(name).take(fdName, name) : number(o.target(), name, "listen");
        try {
            Adoption.Kind kind = Adoption.inspect(fd, name);
            if (!kind.socket() || !kind.listening()) {
                throw new IOException(name + ": descriptor " + fd + " is not a listening socket"
                        + (kind.socket() ? "" : " (not a socket at all)"));
            }
            requireStreamSocket(kind, fd, name);
            Adoption.prepare(fd, name);
            return new LinuxSocketListener(NativeSocket.adopt(fd, kind.family()), NO_OPTIONS, null);
        } catch (IOException | RuntimeException | Error e) {
            if (activated) {
                Activation.untake(fd);
            }
            throw e;
        }
    }

    private static void requireStreamSocket(Adoption.Kind kind, int fd, String name) throws IOException {
        if (kind.socket() && !kind.stream()) {
            throw new IOException(name + ": descriptor " + fd + " is a socket but not a stream socket; qio's socket "
                    + "channels are SOCK_STREAM");
        }
        if (kind.socket() && !kind.unix() && !kind.inet()) {
            throw new IOException(name + ": descriptor " + fd + " is a socket of address family " + kind.family()
                    + "; qio adopts unix and TCP/IP sockets");
        }
    }

    /** The N of {@code fd:N}, or an {@link IllegalArgumentException} quoting what was given. */
    private static int number(String target, String name, String what) {
        String usage = what.equals("listen") ? "fd:N or fd:listen[?name=NAME]" : "fd:N[?dup=BOOL]";
        if (target.isEmpty() || target.length() > 10 || !target.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    name + ": '" + target + "' is not a descriptor number; expected " + usage);
        }
        long n = Long.parseLong(target);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": descriptor number " + target + " is out of range");
        }
        return (int) n;
    }

    private void requireAvailable() {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new UnsupportedOperationException(a.reason());
        }
    }
}
