package dev.qio.provider.file;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.TableProvider;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code file} scheme: {@code file:///PATH[?mode=r|w|rw|a&create=BOOL&truncate=BOOL&perm=OCTAL]}.
 * What the channels do is described on {@link FileChannels}; this class reads the URI.
 *
 * <table>
 *   <caption>Modes and their defaults (as {@code fopen}'s r, w, r+ and a)</caption>
 *   <tr><th>{@code mode}</th><th>opens for</th><th>{@code create} default</th><th>{@code truncate} default</th></tr>
 *   <tr><td>{@code r} (the default)</td><td>reading</td><td>false; {@code true} is refused</td><td>false; {@code true} is refused</td></tr>
 *   <tr><td>{@code w}</td><td>writing</td><td>true</td><td>true</td></tr>
 *   <tr><td>{@code rw}</td><td>reading and writing</td><td>false</td><td>false</td></tr>
 *   <tr><td>{@code a}</td><td>appending: every write goes to the end</td><td>true</td><td>false; {@code true} is refused</td></tr>
 * </table>
 *
 * <ul>
 *   <li>{@code PATH} is absolute: {@code file:///tmp/x} (or {@code file:/tmp/x}), percent-encoded
 *       where a URI needs it. A relative path ({@code file:x}), a host ({@code file://host/x}),
 *       {@code ~} (never expanded) and a fragment are {@link IllegalArgumentException}s that quote
 *       what was given.
 *   <li>{@code create=true} creates a missing file ({@code O_CREAT}); an existing one is opened.
 *   <li>{@code perm} is the octal mode of a file the channel creates, {@code 0} to {@code 0777},
 *       default {@code 0600}; as with {@code open(2)} the process's umask is cleared from it. It
 *       has no effect on an existing file, and giving it without {@code create} is refused.
 *   <li>Unknown options, a value that is not of the option's type, and the refused combinations
 *       above are {@link IllegalArgumentException}s naming the option.
 * </ul>
 *
 * The channel's name is the URI as given. Errors while opening (missing file, permission denied,
 * a directory) are {@link java.nio.file.FileSystemException}s naming the path and the URI. The
 * provider is stateless.
 */
@AutoService(ChannelProvider.class)
@SuppressWarnings("exports") // @AutoService is a compile-time annotation; users need not read its module
public final class FileProvider extends TableProvider {
    private static final SchemeTable SCHEMES = SchemeTable.of(Map.of("file", Set.of(Feature.SEEKABLE)));
    private static final int DEFAULT_PERM = 0600;

    /** The access a {@code mode} option asks for. */
    private enum Mode {
        R(false, false),
        W(true, true),
        RW(false, false),
        A(true, false);

        final boolean createByDefault;
        final boolean truncateByDefault;

        Mode(boolean createByDefault, boolean truncateByDefault) {
            this.createByDefault = createByDefault;
            this.truncateByDefault = truncateByDefault;
        }
    }

    /** For {@link java.util.ServiceLoader}, and for {@link ChannelRegistry#of}. */
    public FileProvider() {
        super(SCHEMES);
    }

    /**
     * Opens the file the URI names, in blocking mode. Opening a FIFO waits until its other end is
     * opened, as {@code open(2)} does.
     *
     * @throws IllegalArgumentException if the URI is not {@code file:///ABSOLUTE/PATH}, or an option
     *     is unknown, malformed or contradicts another; the message quotes it
     * @throws java.nio.file.NoSuchFileException if the file is missing and not to be created
     * @throws java.nio.file.AccessDeniedException if the OS denies access
     * @throws java.nio.file.FileSystemException if the path is a directory or the OS refuses
     *     otherwise; every message names the path and the URI
     */
    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        requireScheme(uri.getScheme());
        String name = UriOptions.displayName(uri);
        Path path = path(uri, name);
        UriOptions options = UriOptions.of(uri);
        Mode mode = options.choice("mode", Mode.class, Mode.R);
        boolean create = options.bool("create", mode.createByDefault);
        boolean truncate = options.bool("truncate", mode.truncateByDefault);
        Optional<String> permGiven = options.string("perm");
        int perm = options.octal("perm", DEFAULT_PERM, 0777);
        options.finish();
        if (create && mode == Mode.R) {
            throw options.bad("create", "cannot be true with mode=r; creating needs mode w, rw or a");
        }
        if (truncate && (mode == Mode.R || mode == Mode.A)) {
            throw options.bad(
                    "truncate", "cannot be true with mode=" + spelling(mode) + "; truncating needs mode w or rw");
        }
        if (permGiven.isPresent() && !create) {
            throw options.bad("perm", "applies only to a file the channel creates; add create=true");
        }
        Set<OpenOption> open = new HashSet<>();
        switch (mode) {
            case R -> open.add(StandardOpenOption.READ);
            case W -> open.add(StandardOpenOption.WRITE);
            case RW -> open.addAll(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
            case A -> open.addAll(Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        }
        if (create) {
            open.add(StandardOpenOption.CREATE);
        }
        if (truncate) {
            open.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        return FileIoChannel.open(name, path, open, permissions(create, permGiven.isPresent(), perm, options));
    }

    /** The absolute path of a {@code file:} URI, or an {@link IllegalArgumentException} quoting it. */
    private static Path path(URI uri, String name) {
        String usage = "; write file:///ABSOLUTE/PATH";
        if (uri.isOpaque()) {
            String ssp = uri.getSchemeSpecificPart();
            int q = ssp.indexOf('?');
            String given = q < 0 ? ssp : ssp.substring(0, q);
            if (given.isEmpty()) {
                throw new IllegalArgumentException(name + ": no path given" + usage);
            }
            throw new IllegalArgumentException(name + ": '" + given + "' is a relative path"
                    + (given.startsWith("~") ? " ('~' is not expanded)" : "") + usage);
        }
        String authority = uri.getAuthority();
        if (authority != null && !authority.isEmpty()) {
            throw new IllegalArgumentException(
                    name + ": '" + authority + "' is a host (file://HOST/...), which file: does not take"
                            + (authority.startsWith("~") ? " ('~' is not expanded)" : "") + usage);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(name + ": a file URI takes no fragment ('#" + uri.getFragment() + "')");
        }
        String p = uri.getPath();
        if (p == null || p.isEmpty()) {
            throw new IllegalArgumentException(name + ": no path given" + usage);
        }
        Path path;
        try {
            path = Path.of(p);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + ": '" + p + "' is not a valid path: " + e.getReason(), e);
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(name + ": '" + p + "' is a relative path" + usage);
        }
        return path;
    }

    /** The {@code perm} attribute, where a file may be created and the file system has POSIX modes. */
    private static FileAttribute<?>[] permissions(boolean create, boolean given, int perm, UriOptions options) {
        if (!create) {
            return new FileAttribute<?>[0];
        }
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            if (given) {
                throw options.bad("perm", "is not supported: this file system has no POSIX permissions");
            }
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE: 0400 ... 0001
        for (int i = 0; i < bits.length; i++) {
            if ((perm & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(set)};
    }

    private static String spelling(Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
