package dev.qio.provider.file;

import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.linux.FifoOpen;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.channel.spi.linux.NativeFileChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Which {@code file:} paths go to the native backend, and opening them there: a FIFO or a
 * character device becomes a {@link NativeFileChannel} on a non-blocking descriptor driven by the
 * shared epoll poller, where {@link FileIoChannel} would use a {@link java.nio.channels.FileChannel}
 * that can neither be non-blocking nor wake a virtual thread on close. The behaviour users see is
 * documented on {@link FileChannels}. Opening blocks as {@code open(2)} does (a FIFO's open waits
 * for its other end), on a platform thread of its own when the caller is virtual ({@link FifoOpen}).
 */
final class NativeFiles {
    private NativeFiles() {}

    /** File type bits of {@code st_mode}, and the two types this channel takes. */
    private static final int S_IFMT = 0170000;

    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    /** The options the native channel understands; any other keeps the FileChannel path. */
    private static final Set<OpenOption> HANDLED = Set.of(
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING);

    /**
     * Whether {@code path} is opened here rather than through {@code FileChannel}: the native
     * backend runs, the path is (after symbolic links) a FIFO or a character device, and the
     * options are ones this channel understands. Block devices stay with {@code FileChannel}:
     * their reads wait for a disk, not for readiness.
     */
    static boolean applies(Path path, Set<? extends OpenOption> options) {
        if (!Linux.isAvailable() || !HANDLED.containsAll(options)) {
            return false;
        }
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode") & S_IFMT;
            return type == S_IFIFO || type == S_IFCHR;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false; // missing, or no unix view: FileChannel reports what is wrong
        }
    }

    /**
     * Opens {@code path}, a FIFO or character device {@link #applies} accepted, for what
     * {@code options} ask ({@code CREATE} and {@code TRUNCATE_EXISTING} change nothing on them).
     *
     * @throws java.nio.file.FileSystemException naming the path and the channel
     */
    static AbstractIoChannel open(String name, Path path, Set<? extends OpenOption> options) throws IOException {
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean writes = append || options.contains(StandardOpenOption.WRITE);
        boolean reads = options.contains(StandardOpenOption.READ) || !writes;
        String access = reads && writes ? "rw" : append ? "a" : writes ? "w" : "r";
        return NativeFileChannel.of(name, FifoOpen.open(path, access, name), reads, writes);
    }
}
