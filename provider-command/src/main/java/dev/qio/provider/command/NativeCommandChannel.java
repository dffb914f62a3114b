package dev.qio.provider.command;

import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.linux.NativeFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;

/**
 * A child process's stdin and stdout as one channel on the native backend: {@link CommandChannel}
 * with the child started by {@code posix_spawn} and its two pipes driven by the shared epoll
 * poller ({@link NativeChild}). The behaviour users see is {@link ProcessChannel}'s, without its
 * pump threads and rings:
 *
 * <ul>
 *   <li>A read or write is one {@code read(2)} or {@code write(2)} on a non-blocking pipe, between
 *       the caller's buffer and the kernel's: no copy in between. On EAGAIN a non-blocking channel
 *       returns {@code ERR_BLOCK}; a blocking one waits as {@link dev.qio.channel.spi.linux.PolledFd}
 *       waits (a platform thread in {@code poll(2)}, a virtual thread parked) and tries again.
 *   <li>Backpressure is the pipe's own: a write's {@code ERR_BLOCK} means the child's stdin pipe
 *       (64 KiB on Linux) is full, and it stays full until the child reads.
 *   <li>A write the child can no longer take fails with "Broken pipe" at once (EPIPE).
 *   <li>{@code shutdown(WRITE)} closes the child's stdin pipe; {@code shutdown(READ)} makes reads
 *       return EOF and drops the child's further output on a virtual thread; {@code close()}
 *       closes both pipes, then ends the child as {@link Ending} says and reaps it. Each wakes a
 *       thread blocked in the direction it ends, at once.
 * </ul>
 */
final class NativeCommandChannel extends AbstractCommandChannel<NativeChild> {
    private NativeCommandChannel(String name, NativeChild child, CommandOptions.Mode mode) {
        super(name, child, mode);
    }

    /** Starts {@code argv}; see {@link NativeChild#spawn}. */
    static NativeCommandChannel spawn(String name, List<String> argv, CommandOptions options) throws IOException {
        return new NativeCommandChannel(name, NativeChild.spawn(name, argv, options), options.mode());
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        NativeFile stdout = child.process().stdout();
        while (true) {
            if (stdout == null || child.readShut()) {
                return EOF; // mode w (the child's stdout goes to /dev/null), or reads shut down
            }
            long n;
            try {
                n = stdout.read(iov, name());
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException e) {
                throw error("cannot read the child's stdout", e);
            }
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                child.reachedEnd();
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
        NativeFile stdin = child.process().stdin();
        if (stdin == null) {
            throw new ProcessChannel.ReadOnly(name());
        }
        try {
            while (true) {
                if (child.writeShut()) {
                    throw error("channel is shut down for writing", null);
                }
                long n;
                try {
                    n = stdin.write(iov, name());
                } catch (ClosedChannelException closed) {
                    throw closed;
                } catch (IOException e) {
                    stdin.fd().hold(IoCondition.OUT, IoCondition.ERR);
                    throw error("Broken pipe: the child no longer reads its stdin", e);
                }
                if (n > 0) {
                    return n;
                }
                if (!isBlocking()) {
                    return ERR_BLOCK;
                }
                await(IoCondition.OUT);
            }
        } catch (ClosedChannelException e) {
            if (isOpen() && child.writeShut()) { // shutdown(WRITE) closed the pipe under this write
                throw error("channel is shut down for writing", e);
            }
            throw e;
        }
    }

    @Override
    protected void implShutdown(Shutdown how) {
        if (how != Shutdown.WRITE) {
            child.shutdownReads();
        }
        if (how != Shutdown.READ) {
            child.shutdownWrites();
        }
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: the pipes stay non-blocking and blocking mode waits for readiness.
    }
}
