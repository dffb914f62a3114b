package dev.qio.provider.file;

import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.channel.spi.linux.NativePipe;
import dev.qio.channel.spi.linux.PipeReadiness;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * A FIFO or a character device on the native backend: a non-blocking descriptor driven by the
 * shared epoll poller ({@link NativePipe}), where {@link FileIoChannel} would use a
 * {@link java.nio.channels.FileChannel} that can neither be non-blocking nor wake a virtual
 * thread on close. The behaviour users see is documented on {@link FileChannels}.
 *
 * <ul>
 *   <li>Opening blocks as {@code open(2)} does (a FIFO's open waits for its other end), on a
 *       platform thread of its own when the caller is virtual; the descriptor is made
 *       non-blocking once open.
 *   <li>A read or write is one {@code read(2)} or {@code write(2)}. On EAGAIN a non-blocking
 *       channel returns {@code ERR_BLOCK}; a blocking one waits as
 *       {@link dev.qio.channel.spi.linux.PolledFd} waits and tries again.
 *   <li>Readiness is the kernel's ({@link PipeReadiness}); a direction the channel was not opened
 *       for holds for good, since its calls fail at once.
 *   <li>{@code close()} wakes a thread blocked in a read or write at once, platform or virtual
 *       ({@link java.nio.channels.AsynchronousCloseException}). An interrupt ends a wait with
 *       {@link java.io.InterruptedIOException} and leaves the channel open.
 *   <li>A channel dropped without {@code close} has its descriptor closed by a {@link Cleaner}.
 * </ul>
 */
final class NativeFileChannel extends AbstractIoChannel {
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("qio-file-cleaner").daemon(true).factory());
    /** File type bits of {@code st_mode}, and the two types this channel takes. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    /** The options this channel understands; any other keeps the FileChannel path. */
    private static final Set<OpenOption> HANDLED = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

    private final NativePipe pipe;
    private final boolean reads;
    private final boolean writes;
    private final Readiness readiness;
    private final Cleaner.Cleanable cleanable;

    private NativeFileChannel(String name, NativePipe pipe, boolean reads, boolean writes) {
        super(name);
        this.pipe = pipe;
        this.reads = reads;
        this.writes = writes;
        this.readiness = new PipeReadiness(reads ? pipe.fd() : null, writes ? pipe.fd() : null, () -> false, () -> false);
        this.cleanable = CLEANER.register(this, new Drop(pipe));
    }

    /** Closes the descriptor of a channel nobody closed; holds no reference to the channel. */
    private record Drop(NativePipe pipe) implements Runnable {
        @Override
        public void run() {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // Nobody is left to tell about a failed close of a dropped channel.
            }
        }
    }

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
    static NativeFileChannel open(String name, Path path, Set<? extends OpenOption> options) throws IOException {
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean writes = append || options.contains(StandardOpenOption.WRITE);
        boolean reads = options.contains(StandardOpenOption.READ) || !writes;
        String access = reads && writes ? "rw" : append ? "a" : writes ? "w" : "r";
        return new NativeFileChannel(name, NativePipe.open(path, access, name), reads, writes);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!reads) {
            throw error("Unable to read from file: it was not opened for reading", null);
        }
        while (true) {
            long n;
            try {
                n = pipe.read(iov, name());
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException e) {
                throw error("Unable to read from file", e);
            }
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                return EOF;
            }
            if (!isBlocking()) {
                return ERR_BLOCK;
            }
            await(IoCondition.IN); // a close meanwhile: the base reports AsynchronousCloseException
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (!writes) {
            throw error("Unable to write to file: it was not opened for writing", null);
        }
        while (true) {
            long n;
            try {
                n = pipe.write(iov, name());
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException e) {
                throw error("Unable to write to file", e);
            }
            if (n > 0) {
                return n;
            }
            if (!isBlocking()) {
                return ERR_BLOCK;
            }
            await(IoCondition.OUT);
        }
    }

    @Override
    protected void implClose() throws IOException {
        cleanable.clean(); // closes the descriptor (waking every waiter) once, here rather than after GC
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: the descriptor stays non-blocking and blocking mode waits for readiness.
    }
}
