package dev.qio.provider.command;

import dev.qio.channel.Feature;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.ByteRing;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.util.List;
import java.util.Set;

/**
 * A child process's stdin and stdout as one channel (QEMU's {@code QIOChannelCommand}) on
 * {@link ProcessBuilder}: the fallback where {@link NativeCommandChannel} cannot run.
 * Features: {@link Feature#SHUTDOWN} (QEMU has no half-close here; qio does) and
 * {@link Feature#CONCURRENT_IO} (each direction has its own buffer, lock and pump).
 *
 * <h2>Transfers: pump threads, not raw pipes</h2>
 * {@link Process} streams only block, so each direction has a bounded ring of {@value Child#BUFFER}
 * bytes and a platform daemon thread, {@code qio-command-PID-stdout} and
 * {@code qio-command-PID-stdin}, that moves bytes between the ring and the child's pipe (see
 * {@link ChildStdout} and {@link ChildStdin}). Reads and writes touch only the rings: a blocking read
 * waits for at least one byte, EOF or an error, a non-blocking one returns {@code ERR_BLOCK} while the
 * ring is empty; a blocking write waits for at least one byte of room and takes what fits, a
 * non-blocking one returns {@code ERR_BLOCK} while the ring is full. Each write reaches the child
 * soon after, flushed, whether or not more follows. When nobody reads, the stdout ring fills, the
 * child blocks writing, and (for a filter such as {@code cat}) stops reading, so the stdin ring fills
 * too: every buffer on the way is bounded. A write's {@code ERR_BLOCK} means "the stdin ring is full
 * now", as a pipe's {@code EAGAIN} means "the pipe is full now": while the child still reads, the
 * pump frees room again without anyone reading this channel, and the writer stays full only once
 * the child and the pipe are stalled.
 *
 * <h2>Modes</h2>
 * In mode {@code r} the child's stdin is closed at spawn, and a write throws
 * {@link NonWritableChannelException} (as a read-only {@code FileChannel} does), whose message names
 * the channel and the mode. In mode {@code w} the child's stdout goes to {@code /dev/null}, so reads
 * return EOF at once, as QEMU's read from {@code /dev/null} does.
 *
 * <h2>Errors</h2>
 * When the child closes its stdin or exits, the stdin pump's write fails; buffered bytes are dropped
 * and the next write (a blocked one too) throws {@link IOException} "Broken pipe". A failed read of
 * the child's stdout is reported by the read after the last buffered byte.
 *
 * <h2>Threads</h2>
 * One read and one write may run at once; a second read (write) waits for the first. A thread
 * interrupted while blocked gets {@link InterruptedIOException} with its interrupt status set; the
 * channel stays open.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@code shutdown(WRITE)}: the child reads what was written, then EOF; later writes here throw
 *       "shut down for writing". Its output can still be read. Never waits.
 *   <li>{@code shutdown(READ)}: buffered output is dropped; reads here (a blocked one too) return
 *       EOF; the child's further output is read and discarded, so it never blocks on us.
 *   <li>{@code close()}: see {@link CommandChannel#close()}; the grace period is the
 *       {@code grace} option (default 5 s). A thread blocked here wakes with
 *       {@link java.nio.channels.AsynchronousCloseException}. Second close: nothing.
 *   <li>Dropped without {@code close}: a {@link java.lang.ref.Cleaner} runs the same ending, with no exception to
 *       report, once the channel is unreachable. An active watch or a thread in {@code await} keeps it
 *       reachable (as a QEMU watch source holds a reference on its channel).
 * </ul>
 *
 * <h2>Readiness</h2>
 * {@code IN} while a read would not wait (bytes, EOF, an error to report, read side shut down, mode
 * {@code w}); {@code HUP} once the child's stdout ended; {@code OUT} while the stdin ring has room,
 * and {@code OUT} with {@code ERR} once a write would fail at once (mode {@code r}, shut down, broken
 * pipe).
 */
final class ProcessChannel extends AbstractCommandChannel<Child> {
    private ProcessChannel(String name, Child child, CommandOptions.Mode mode) {
        super(name, child, mode);
    }

    /**
     * Starts {@code argv} and returns the channel on it.
     *
     * @param name the channel's name: the URI, or one made from the argv
     * @throws IOException naming what is wrong if the program or the directory is
     */
    static ProcessChannel spawn(String name, List<String> argv, CommandOptions options) throws IOException {
        return new ProcessChannel(name, Child.spawn(name, argv, options), options.mode());
    }

    /** A channel on a child someone else started; see {@link CommandChannels#adopt}. */
    static ProcessChannel adopt(String name, List<String> argv, Process process, CommandOptions options) {
        return new ProcessChannel(name, Child.adopt(argv, process, options), options.mode());
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        ChildStdout stdout = child.stdout();
        if (stdout == null) {
            return EOF; // mode w: the child's stdout goes to /dev/null
        }
        try {
            return stdout.read(iov, isBlocking());
        } catch (ByteRing.Stopped e) {
            if (e.status() == ByteRing.Status.INTERRUPTED) {
                throw new InterruptedIOException(name() + ": interrupted while waiting to read");
            }
            throw error("cannot read the child's stdout", e.getCause());
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        ChildStdin stdin = child.stdin();
        if (stdin == null) {
            throw new ReadOnly(name());
        }
        try {
            return stdin.write(iov, isBlocking());
        } catch (ByteRing.Stopped e) {
            throw switch (e.status()) {
                case BROKEN -> error("Broken pipe: the child no longer reads its stdin", e.getCause());
                case INTERRUPTED -> new InterruptedIOException(name() + ": interrupted while waiting to write");
                case SHUT_DOWN, FAILED -> error("channel is shut down for writing", null);
            };
        }
    }

    /** A write on a mode {@code r} channel; the message names the channel. */
    static final class ReadOnly extends NonWritableChannelException {
        private static final long serialVersionUID = 1L;
        private final String name;

        ReadOnly(String name) {
            this.name = name;
        }

        @Override
        public String getMessage() {
            return name + ": not open for writing (mode r: the child's stdin is closed)";
        }
    }

    @Override
    protected void implShutdown(Shutdown how) {
        if (how.reads() && child.stdout() != null) {
            child.stdout().endReader();
        }
        if (how.writes() && child.stdin() != null) {
            child.stdin().shutdown();
        }
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: every transfer passes isBlocking() to its ring.
    }

    /** Bytes written but not yet taken by the child's stdin (0 in mode r). For tests. */
    int stdinBuffered() {
        return child.stdin() == null ? 0 : child.stdin().buffered();
    }
}
