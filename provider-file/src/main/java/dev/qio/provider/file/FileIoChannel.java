package dev.qio.provider.file;

import dev.qio.channel.Feature;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.Seek;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.List;
import java.util.Set;

/**
 * A file opened through {@link FileChannel}: QEMU's {@code QIOChannelFile}. The behaviour users
 * see is documented on {@link FileChannels}; this class is its transport, and {@link #open} is
 * where a FIFO or character device goes to {@link NativeFiles} instead when the native
 * backend runs.
 *
 * <ul>
 *   <li>A regular file is {@link Feature#SEEKABLE}; anything else (a FIFO, a device) is a plain
 *       stream and works in blocking mode only: {@link #implSetBlocking} refuses non-blocking
 *       mode, because {@link FileChannel} cannot set {@code O_NONBLOCK}.
 *   <li>Reads and writes go straight to the {@link FileChannel}, scattering and gathering, and
 *       return what it moved. Non-blocking mode on a regular file changes nothing.
 *   <li>Readiness is always {@code IN} and {@code OUT}, as {@code poll(2)} reports for a regular
 *       file.
 *   <li>{@link #implClose()} closes the {@link FileChannel}, which makes a thread blocked in a
 *       read or write of a FIFO return ({@code AsynchronousCloseException}).
 *   <li>{@link FileChannel} closes itself when a thread is interrupted in (or enters) one of its
 *       operations; when an operation sees that, this channel closes too, so that
 *       {@link #isOpen()} tells the truth, and the caller gets the
 *       {@link java.nio.channels.ClosedByInterruptException}.
 * </ul>
 */
final class FileIoChannel extends AbstractIoChannel {
    private static final Readiness ALWAYS = SignalledReadiness.alwaysReady();
    private final FileChannel file;
    /** What the channel is on, for messages: the path, or a note that it was wrapped. */
    private final String path;
    /** Every write goes to the end of the file (StandardOpenOption.APPEND). */
    private final boolean append;
    /** A regular file: seekable, and never blocks. */
    private final boolean regular;

    private FileIoChannel(String name, FileChannel file, String path, boolean append, boolean regular) {
        super(name);
        this.file = file;
        this.path = path;
        this.append = append;
        this.regular = regular;
        if (regular) {
            setFeature(Feature.SEEKABLE);
        }
    }

    /**
     * Opens {@code path} with {@link FileChannel#open(Path, Set, FileAttribute[])}.
     *
     * @param name the channel's name, used in every message
     * @throws FileSystemException if the OS refuses (its subclasses {@link NoSuchFileException} and
     *     {@link AccessDeniedException} where they apply), or the path is a directory; the message
     *     names the path and the channel
     * @throws IllegalArgumentException if the options contradict each other
     * @throws UnsupportedOperationException if an option or attribute is not supported
     */
    static AbstractIoChannel open(String name, Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        LinkOption[] links = options.contains(LinkOption.NOFOLLOW_LINKS)
                ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS}
                : new LinkOption[0];
        if (Files.isDirectory(path, links)) {
            throw isDirectory(name, path, null); // open(O_RDONLY) would succeed on it
        }
        if (NativeFiles.applies(path, options)) {
            return NativeFiles.open(name, path, options);
        }
        FileChannel file;
        try {
            file = FileChannel.open(path, options, attrs);
        } catch (FileSystemException e) {
            throw openFailure(name, path, options, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    name + ": cannot open with options " + options + ": " + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException(name + ": cannot open: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(name + ": cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            boolean regular = isRegular(name, path, file, links);
            return new FileIoChannel(name, file, path.toString(), options.contains(StandardOpenOption.APPEND), regular);
        } catch (IOException | RuntimeException | Error e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Takes over a {@link FileChannel} someone else opened. Without a path its kind comes from
     * QEMU's rule, "seekable if lseek works"; append mode cannot be asked of a {@code FileChannel},
     * so {@code append} is the caller's word.
     */
    static FileIoChannel adopt(String name, FileChannel file, boolean append) {
        return new FileIoChannel(name, file, "the wrapped FileChannel", append, seekable(file));
    }

    private static boolean seekable(FileChannel file) {
        try {
            file.position();
            return true;
        } catch (IOException notSeekable) {
            return false;
        }
    }

    /** Regular file or not, from the path's attributes; lseek decides if they cannot be read. */
    private static boolean isRegular(String name, Path path, FileChannel file, LinkOption[] links) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, links);
        } catch (IOException gone) {
            // Renamed or removed since it was opened: fall back to QEMU's rule, "seekable if lseek works".
            return seekable(file);
        }
        if (attributes.isDirectory()) {
            throw isDirectory(name, path, null); // it became one between the check and the open
        }
        return attributes.isRegularFile();
    }

    private static FileSystemException isDirectory(String name, Path path, Throwable cause) {
        FileSystemException e =
                new FileSystemException(path.toString(), null, "cannot open " + name + ": is a directory");
        e.initCause(cause);
        return e;
    }

    /** The OS's refusal, with its type kept and a message that names the channel and the cause. */
    private static FileSystemException openFailure(
            String name, Path path, Set<? extends OpenOption> options, FileSystemException e) {
        String file = path.toString();
        String prefix = "cannot open " + name + ": ";
        // java.nio ignores CREATE and CREATE_NEW on a file opened only for reading.
        boolean creates =
                (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW))
                        && (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND));
        FileSystemException mapped;
        if (e instanceof NoSuchFileException) {
            mapped = new NoSuchFileException(
                    file,
                    null,
                    prefix
                            + (creates
                                    ? "no such directory to create the file in"
                                    : "no such file (it is not created unless asked: create=true, or StandardOpenOption.CREATE)"));
        } else if (e instanceof AccessDeniedException) {
            mapped = new AccessDeniedException(file, null, prefix + "permission denied");
        } else if (e instanceof FileAlreadyExistsException) {
            mapped = new FileAlreadyExistsException(file, null, prefix + "the file already exists (CREATE_NEW)");
        } else if ("Is a directory".equals(e.getReason())) {
            return isDirectory(name, path, e);
        } else {
            mapped = new FileSystemException(
                    file,
                    e.getOtherFile(),
                    prefix
                            + (e.getReason() != null
                                    ? e.getReason()
                                    : e.getClass().getSimpleName()));
        }
        mapped.initCause(e);
        return mapped;
    }

    // ---- transfers ----------------------------------------------------------------------------

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        try {
            int from = Iov.firstWithRemaining(iov);
            long n = file.read(iov, from, Iov.sliceLength(iov, from));
            return n <= 0 ? EOF : n; // FileChannel reports end of stream as -1 and never 0 for room > 0
        } catch (NonReadableChannelException e) {
            throw error("Unable to read from file: it was not opened for reading", e);
        } catch (IOException e) {
            throw failed("Unable to read from file", e);
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        long n;
        try {
            int from = Iov.firstWithRemaining(iov);
            n = file.write(iov, from, Iov.sliceLength(iov, from));
        } catch (NonWritableChannelException e) {
            throw error("Unable to write to file: it was not opened for writing", e);
        } catch (IOException e) {
            throw failed("Unable to write to file", e);
        }
        if (n <= 0) { // QEMU: "ret <= 0 counts as an error"; a blocking write moves at least one byte
            throw error("Unable to write to file: no byte was written", null);
        }
        return n;
    }

    /** Reads buffer by buffer at {@code offset}, stopping at the first short read. */
    @Override
    protected long implPreadv(ByteBuffer[] iov, long offset) throws IOException {
        long total = 0;
        try {
            for (ByteBuffer b : iov) {
                int want = b.remaining();
                if (want == 0) {
                    continue;
                }
                int n = file.read(b, offset + total);
                if (n <= 0) {
                    break;
                }
                total += n;
                if (n < want) {
                    break;
                }
            }
        } catch (NonReadableChannelException e) {
            throw error("Unable to read from file at offset " + offset + ": it was not opened for reading", e);
        } catch (IOException e) {
            if (total > 0 && !(e instanceof ClosedChannelException)) {
                return total; // report what moved; the next call meets the error again
            }
            throw failed("Unable to read from file at offset " + offset, e);
        }
        return total == 0 ? EOF : total;
    }

    /** Writes buffer by buffer at {@code offset}, stopping at the first short write. */
    @Override
    protected long implPwritev(ByteBuffer[] iov, long offset) throws IOException {
        if (append) {
            // Linux's pwrite(2) ignores the offset on an O_APPEND descriptor; refuse rather than append.
            throw error(
                    "Unable to write to file at offset " + offset
                            + ": the channel appends (mode=a), so every write goes to the end of the file",
                    null);
        }
        long total = 0;
        try {
            for (ByteBuffer b : iov) {
                int want = b.remaining();
                if (want == 0) {
                    continue;
                }
                int n = file.write(b, offset + total);
                total += Math.max(n, 0);
                if (n < want) {
                    break;
                }
            }
        } catch (NonWritableChannelException e) {
            throw error("Unable to write to file at offset " + offset + ": it was not opened for writing", e);
        } catch (IOException e) {
            if (total > 0 && !(e instanceof ClosedChannelException)) {
                return total;
            }
            throw failed("Unable to write to file at offset " + offset, e);
        }
        if (total == 0) {
            throw error("Unable to write to file at offset " + offset + ": no byte was written", null);
        }
        return total;
    }

    @Override
    protected long implSeek(long offset, Whence whence) throws IOException {
        try {
            long base = switch (whence) {
                case SET -> 0;
                case CUR -> file.position();
                case END -> file.size();
            };
            long target = Seek.target(name(), offset, whence, base);
            file.position(target);
            return target;
        } catch (IOException e) {
            throw failed("Unable to seek to offset " + offset + " whence " + whence + " in file", e);
        }
    }

    /**
     * An I/O failure as this channel reports it. A {@link ClosedChannelException} while this
     * channel is open means {@link FileChannel} closed itself on an interrupt: close this channel
     * too and pass the exception on as it is.
     */
    private IOException failed(String what, IOException e) {
        if (e instanceof ClosedChannelException) {
            if (isOpen()) {
                try {
                    close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            return e;
        }
        return error(what, e);
    }

    // ---- lifecycle and modes ------------------------------------------------------------------

    @Override
    protected void implClose() throws IOException {
        try {
            file.close(); // wakes a thread blocked in a FIFO read or write (AsynchronousCloseException)
        } catch (IOException e) {
            throw error("Unable to close " + path, e);
        }
    }

    @Override
    protected Readiness readiness() {
        return ALWAYS;
    }

    /**
     * Regular files: accepted, changes nothing (their reads and writes never wait). Anything else:
     * non-blocking mode is refused.
     *
     * @throws UnsupportedOperationException when asked for non-blocking mode on a FIFO or device
     */
    @Override
    protected void implSetBlocking(boolean blocking) {
        if (!blocking && !regular) {
            throw new UnsupportedOperationException(name() + ": non-blocking mode is not available: " + path
                    + " is not a regular file (a FIFO or a device), and java.nio's FileChannel cannot set"
                    + " O_NONBLOCK; use blocking mode, for example on a virtual thread");
        }
    }
}
