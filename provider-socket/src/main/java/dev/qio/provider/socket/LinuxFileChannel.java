package dev.qio.provider.socket;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.linux.NativeFile;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * An adopted descriptor that is not a socket ({@code fd:N} on a file, pipe or terminal): QEMU's
 * {@code QIOChannelFile} made by {@code qio_channel_file_new_fd}.
 *
 * <p>{@link Feature#SEEKABLE} when the descriptor can seek (a regular file), as QEMU decides it;
 * no other feature. In blocking mode a pipe or terminal with
 * nothing to read (or no room) is waited for through the poller; a regular file is always ready.
 * {@code close()} closes the descriptor and wakes a blocked reader or writer. A channel dropped
 * without {@code close()} has its descriptor closed by a {@link Cleaner}, as a socket
 * channel has.
 */
final class LinuxFileChannel extends AbstractIoChannel {
    private final NativeFile file;
    private final Cleaner.Cleanable cleanable;

    LinuxFileChannel(String name, NativeFile file) {
        super(name);
        this.file = file;
        if (file.seekable(name)) {
            setFeature(Feature.SEEKABLE);
        }
        this.cleanable = LinuxSocketChannel.CLEANER.register(this, new Drop(file));
    }

    /** Closes the file of a channel nobody closed; holds no reference to the channel. */
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
        return transfer(false, iov, -1);
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
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
            await(write ? IoCondition.OUT : IoCondition.IN);
        }
    }

    @Override
    protected long implSeek(long offset, Whence whence) throws IOException {
        return file.seek(offset, whence.ordinal(), name());
    }

    @Override
    protected void implClose() throws IOException {
        cleanable.clean(); // closes the file (waking every waiter) once, here rather than after GC
    }

    @Override
    protected Readiness readiness() {
        return file.fd();
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: the descriptor stays non-blocking and blocking mode waits for readiness.
    }
}
