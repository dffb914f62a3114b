package dev.qio.provider.file;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Files as qio channels (QEMU's {@code QIOChannelFile}), opened from a {@link Path} with
 * {@link OpenOption}s for code that does not want URIs. {@code IoChannels.open("file:///...")}
 * opens the same channels; {@link FileProvider} describes its URI options.
 *
 * <h2>Regular files</h2>
 * A channel on a regular file is {@link Feature#SEEKABLE}:
 * <ul>
 *   <li>reads and writes move the position; {@code seek} takes {@code SET}, {@code CUR} and
 *       {@code END}, and may go past the end, where a later write leaves a gap that reads as
 *       zeros; a seek to a negative position is an {@link IllegalArgumentException};
 *   <li>{@code preadv} and {@code pwritev} work at any offset (past 4 GiB too) and leave the
 *       position alone; each stops at the first buffer the file does not fill (or take) whole;
 *       {@code preadv} returns {@code EOF} only when nothing could be read at an offset at or past
 *       the end;
 *   <li>in append mode ({@code mode=a}, {@link java.nio.file.StandardOpenOption#APPEND}) every
 *       write goes to the end of the file, whatever the position; {@code seek} is accepted but a
 *       {@code seek(0, CUR)} reports the end of the file, as java.nio does; {@code pwritev} is
 *       refused with an {@link IOException}, because the OS would append instead;
 *   <li>non-blocking mode is accepted and changes nothing: reads and writes never wait for
 *       readiness and never return {@code ERR_BLOCK}, as in QEMU;
 *   <li>watches and {@code await} see {@code IN} and {@code OUT} always, as {@code poll(2)} does.
 * </ul>
 *
 * <h2>FIFOs and devices</h2>
 * A FIFO or a character device opens too, as a stream without features: {@code seek},
 * {@code preadv} and {@code pwritev} are refused with
 * {@link dev.qio.channel.UnsupportedFeatureException}. Opening a FIFO waits until its other end is
 * opened, as {@code open(2)} does. A read on a FIFO whose writers all closed returns {@code EOF}; a
 * write on a FIFO with no reader left fails with an {@link IOException} ("Broken pipe").
 *
 * <p>On Linux with the native backend ({@code dev.qio.channel.spi.linux}: native access for
 * {@code dev.qio.channel.spi}, no {@code -Dqio.native=false}) a FIFO or character device is a
 * non-blocking descriptor driven by the process's shared epoll poller: non-blocking mode works
 * ({@code ERR_BLOCK} on an empty or full FIFO), readiness is the kernel's, {@code close()} wakes a
 * thread blocked in a read or write at once whether it is a platform or a virtual thread, and an
 * interrupt ends a blocked call with {@link java.io.InterruptedIOException}, leaving the channel
 * open. The open itself waits on a platform thread of its own when the caller is a virtual thread,
 * so its carrier is not held.
 *
 * <p>Elsewhere (the fallback) these channels are on java.nio's {@code FileChannel} and work in
 * <strong>blocking mode only</strong>: it cannot set {@code O_NONBLOCK}, so
 * {@code setBlocking(false)} throws {@link UnsupportedOperationException} and the channel stays
 * blocking. Their readiness is always {@code IN} and {@code OUT}, so {@code await} returns at once
 * and the blocking read or write that follows does the waiting. A virtual thread blocked in a read
 * or write of a FIFO there is not woken by {@code close()} (a platform thread is); use a platform
 * thread, or the native backend.
 *
 * <h2>Threads</h2>
 * One read and one write may be called from two threads, and positional calls are safe alongside
 * them, but they do not overlap: java.nio's {@code FileChannel} serialises reads and writes on the
 * file position (on a FIFO opened for both, a blocked read holds up a write). So the channels do
 * not advertise {@link Feature#CONCURRENT_IO}. Two reads (or two writes) are serialised by the
 * channel.
 *
 * <h2>Lifecycle</h2>
 * {@code close()} closes the file; a thread blocked in a read or write of a FIFO then gets an
 * {@link java.nio.channels.AsynchronousCloseException}. A second close does nothing; later I/O
 * throws {@link java.nio.channels.ClosedChannelException}. As with any java.nio
 * {@code FileChannel}, interrupting a thread while it is in (or enters) a read, write or seek
 * closes the channel: that call throws {@link java.nio.channels.ClosedByInterruptException} and the
 * channel reports itself closed (FIFOs and devices on the native backend excepted: see above).
 *
 * <h2>Errors</h2>
 * Every {@link IOException} names the channel; failures to open name the path as well and keep
 * java.nio's types ({@link java.nio.file.NoSuchFileException},
 * {@link java.nio.file.AccessDeniedException}, {@link java.nio.file.FileSystemException} for a
 * directory). Reading a channel not opened for reading, or writing one not opened for writing, is
 * an {@link IOException}.
 */
public final class FileChannels {
    private FileChannels() {}

    /**
     * Opens {@code path} as {@link java.nio.channels.FileChannel#open(Path, OpenOption...)} would,
     * and returns it as a blocking {@link IoChannel} named {@code file://} followed by the absolute
     * path. Without {@code READ}, {@code WRITE} or {@code APPEND} the file is opened for reading; a
     * file it creates gets mode {@code 0666} less the umask, as java.nio gives it (the URI form
     * defaults to {@code 0600}).
     *
     * @param path the file; a relative path is resolved against the working directory
     * @param options {@link java.nio.file.StandardOpenOption}s and {@link java.nio.file.LinkOption#NOFOLLOW_LINKS}
     * @return the channel: {@link Feature#SEEKABLE} for a regular file, no features otherwise
     * @throws java.nio.file.NoSuchFileException if the file is missing and not to be created
     * @throws java.nio.file.AccessDeniedException if the OS denies access
     * @throws java.nio.file.FileSystemException if {@code path} is a directory or the OS refuses
     *     otherwise; every message names the path and the channel
     * @throws IllegalArgumentException if the options contradict each other ({@code READ} with
     *     {@code APPEND}, say)
     * @throws UnsupportedOperationException if an option is not supported
     */
    public static IoChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, new HashSet<>(Arrays.asList(Objects.requireNonNull(options, "options"))));
    }

    /**
     * Behaves exactly as {@link #open(Path, OpenOption...)}, and gives a file it creates the
     * attributes {@code attrs}, for example
     * {@code PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
     * (the umask still applies, as with {@code open(2)}).
     *
     * @throws UnsupportedOperationException if the file system does not support an attribute
     */
    public static IoChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(attrs, "attrs");
        Path absolute = path.toAbsolutePath();
        return FileIoChannel.open("file://" + absolute, absolute, options, attrs);
    }

    /**
     * Wraps a {@link java.nio.channels.FileChannel} that is already open as a blocking
     * {@link IoChannel} named {@code name}, with the behaviour this class describes. The channel
     * owns {@code file} from now on: closing it closes {@code file}, and {@code file} must not be
     * used directly any more (its position is the channel's).
     *
     * <p>What {@code file} is decides the features: if {@code file.position()} works (a regular
     * file) the channel is {@link Feature#SEEKABLE}; otherwise (a pipe from
     * {@link java.nio.channels.Pipe} is not a {@code FileChannel}, but a FIFO or a device is) it is a
     * stream in blocking mode only. Reading a channel {@code file} cannot read, or writing one it
     * cannot write, is an {@link IOException} naming the channel.
     *
     * @param file an open file channel
     * @param name the channel's name, used in every message, e.g. {@code "file:///var/log/app.log"}
     * @param append whether {@code file} was opened with {@code APPEND}: a {@code FileChannel}
     *     cannot tell, and {@code pwritev} must refuse on such a file
     * @throws java.nio.channels.ClosedChannelException if {@code file} is closed
     */
    public static IoChannel wrap(java.nio.channels.FileChannel file, String name, boolean append) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        if (!file.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        return FileIoChannel.adopt(name, file, append);
    }
}
