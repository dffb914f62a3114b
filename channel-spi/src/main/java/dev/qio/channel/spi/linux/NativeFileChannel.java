package dev.qio.channel.spi.linux;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;

/**
 * A channel on a {@link NativeFile}: QEMU's {@code QIOChannelFile} on a non-blocking descriptor
 * that is not a socket. It serves {@code fd:N} on a file, pipe or terminal
 * ({@link #adopt}) and {@code file:} on a FIFO or character device ({@link #of}).
 *
 * <ul>
 *   <li>{@link Feature#SEEKABLE} when an adopted descriptor can seek (a regular file), as QEMU
 *       decides it; no other feature. A FIFO or character device opened by path is a plain stream.
 *   <li>A read or write is one system call ({@link NativeFile}). On EAGAIN a non-blocking channel
 *       returns {@code ERR_BLOCK}; a blocking one waits as {@link PolledFd} waits (a platform
 *       thread in {@code poll(2)}, a virtual thread parked) and tries again. A regular file is
 *       always ready.
 *   <li>A direction the channel was not opened for fails at once, and its readiness holds for
 *       good ({@link PipeReadiness}).
 *   <li>{@code close()} closes the descriptor and wakes a thread blocked in a read or write at
 *       once, platform or virtual ({@link java.nio.channels.AsynchronousCloseException}). An
 *       interrupt ends a wait with {@link java.io.InterruptedIOException} and leaves the channel
 *       open. A second {@code close()} does nothing; I/O after it throws
 *       {@link ClosedChannelException}.
 *   <li>A channel dropped without {@code close} has its descriptor closed by a {@link Cleaner}.
 * </ul>
 */
public final class NativeFileChannel extends AbstractIoChannel {
    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().name("qio-file-cleaner").daemon(true).factory());

    private final NativeFile file;
    private final boolean reads;
    private final boolean writes;
    private final Readiness readiness;
    private final Cleaner.Cleanable cleanable;

    private NativeFileChannel(
            String name, NativeFile file, boolean reads, boolean writes, Readiness readiness, boolean seekable) {
        super(name);
        this.file = file;
        this.reads = reads;
        this.writes = writes;
        this.readiness = readiness;
        if (seekable) {
            setFeature(Feature.SEEKABLE);
        }
        this.cleanable = CLEANER.register(this, new Drop(file));
    }

    /** A descriptor adopted by number, read and written: {@code fd:N} (QEMU's {@code qio_channel_file_new_fd}). */
    public static NativeFileChannel adopt(String name, NativeFile file) {
        return new NativeFileChannel(name, file, true, true, file.fd(), file.seekable(name));
    }

    /** A FIFO or character device opened for reading, writing or both ({@link FifoOpen}). */
    public static NativeFileChannel of(String name, NativeFile file, boolean reads, boolean writes) {
        return new NativeFileChannel(
                name,
                file,
                reads,
                writes,
                new PipeReadiness(reads ? file.fd() : null, writes ? file.fd() : null, () -> false, () -> false),
                false);
    }

    /** Closes the descriptor of a channel nobody closed; holds no reference to the channel. */
    private record Drop(NativeFile file) implements Runnable {
        @Override
        public void run() {
            try {
                file.close();
            } catch (IOException ignored) {
                // Nobody is left to tell about a failed close of a dropped channel.
            }
        }
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!reads) {
            throw error("Unable to read from file: it was not opened for reading", null);
        }
        return transfer(false, iov, -1);
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (!writes) {
            throw error("Unable to write to file: it was not opened for writing", null);
        }
        return transfer(true, iov, -1);
    }

    @Override
    protected long implPreadv(ByteBuffer[] iov, long offset) throws IOException {
        return transfer(false, iov, offset);
    }

    @Override
    protected long implPwritev(ByteBuffer[] iov, long offset) throws IOException {
        return transfer(true, iov, offset);
    }

    /** One call, waiting in blocking mode; {@code offset < 0}: at the file position. */
    private long transfer(boolean write, ByteBuffer[] iov, long offset) throws IOException {
        while (true) {
            long n;
            try {
                n = write ? file.write(iov, offset, name()) : file.read(iov, offset, name());
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException e) {
                if (file.fd().isClosing()) {
                    throw e;
                }
                throw error(write ? "Unable to write to file" : "Unable to read from file", e);
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
            await(
                    write
                            ? IoCondition.OUT
                            : IoCondition.IN); // a close meanwhile: the base reports AsynchronousCloseException
        }
    }

    @Override
    protected long implSeek(long offset, Whence whence) throws IOException {
        return file.seek(offset, whence.ordinal(), name());
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
