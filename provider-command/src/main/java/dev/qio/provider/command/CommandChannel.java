package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A channel on a child process's stdin and stdout (QEMU's {@code QIOChannelCommand}), with what
 * only a process has: its argv, its pid and its exit status. Every channel that
 * {@code IoChannels.open("command:...")} or {@link CommandChannels#spawn} returns is one, so a
 * caller holding an {@link IoChannel} may cast it.
 *
 * <h2>Directions</h2>
 * Writes go to the child's stdin and reads come from its stdout, as far as the
 * {@linkplain CommandOptions.Mode mode} allows: in mode {@code r} a write throws
 * {@link java.nio.channels.NonWritableChannelException} naming the channel (the child's stdin is
 * empty), in mode {@code w} reads return EOF at once (its stdout is discarded).
 * {@code shutdown(WRITE)} closes the child's stdin after what was written, so it sees EOF while its
 * output can still be read; {@code shutdown(READ)} drops its output from then on without blocking
 * it. Features: {@link dev.qio.channel.Feature#SHUTDOWN} and
 * {@link dev.qio.channel.Feature#CONCURRENT_IO}.
 *
 * <h2>Transfers</h2>
 * On Linux with the native backend ({@code dev.qio.channel.spi.linux}: native access for
 * {@code dev.qio.channel.spi}, no {@code -Dqio.native=false}, Linux 5.3 or later for pidfds) the
 * child is started with {@code posix_spawn} and its stdin and stdout are non-blocking pipes driven
 * by the process's shared epoll poller: a read or write is one system call between the caller's
 * buffer and the pipe, no thread runs per child, non-blocking calls return {@code ERR_BLOCK} when
 * the pipe is empty (full), and readiness is the pipes': {@code IN} with data or at EOF,
 * {@code HUP} once the child's stdout ended, {@code OUT} with room, {@code OUT} and {@code ERR} when
 * a write would fail. A write the child can no longer take (it closed its stdin or exited) fails
 * with "Broken pipe" at once.
 *
 * <p>Elsewhere (the fallback) the child is a {@link ProcessBuilder} process, whose pipes are
 * blocking in Java, so each direction has a pump thread (platform, daemon, named
 * {@code qio-command-PID-stdin} and {@code -stdout}) and a 256 KiB buffer between the channel and
 * the pipe; {@code ERR_BLOCK} and readiness follow the buffers, and "Broken pipe" comes on the
 * write that meets it or the next. The pumps end with the child.
 *
 * <h2>Exit status</h2>
 * {@link #close()} closes the child's stdin and stops reading its stdout, then waits for it to
 * exit (after the grace period, SIGTERM; after another, SIGKILL), so after {@code close}
 * {@link #exitStatus()} is always present. {@code close} throws {@link CommandExitException} when
 * the child failed on its own: a non-zero status that the channel did not cause. The channel
 * causes a status when it sent the signal (SIGTERM gives 143, SIGKILL 137), and when it stopped
 * reading the child's stdout before EOF and the child then died of SIGPIPE (141), as
 * {@code yes} does. Either way the channel is closed and the child reaped; a second {@code close}
 * does nothing and throws nothing. So {@code qio cat command:false} ends in an error naming
 * {@code false} and its status, while reading a few lines of {@code command:yes} and closing does
 * not.
 *
 * <h2>A channel dropped without close</h2>
 * A {@link java.lang.ref.Cleaner} ends the child the same way once the channel is unreachable, on a
 * thread of its own, with no one to report a status to: no child outlives its channel and none is
 * left a zombie. An active watch or a thread in {@code await} keeps the channel reachable.
 */
public interface CommandChannel extends IoChannel {
    /** The argv the child was started with: the program as given, then its arguments. */
    List<String> command();

    /** The child's process id. */
    long pid();

    /**
     * The child's exit status once it has exited: its exit code, or 128 plus the signal number
     * if a signal ended it (the shell's convention, and {@link Process#exitValue()}'s).
     *
     * @return empty while the child runs; always present after {@link #close()}
     */
    OptionalInt exitStatus();

    /**
     * Completes with the child's {@linkplain #exitStatus() exit status} when it exits, whether or
     * not the channel is closed. Each call returns a new future; cancelling it changes nothing.
     */
    CompletableFuture<Integer> onExit();

    /**
     * Closes the channel: stops reading the child's stdout, lets the child's stdin take what the
     * channel still buffers and closes it, waits for the child as described in the class
     * description, and reaps it. Wakes a thread blocked here in a read or write
     * ({@link java.nio.channels.AsynchronousCloseException}). Idempotent; later I/O throws
     * {@link java.nio.channels.ClosedChannelException}. Blocks until the child exited: at most two
     * grace periods and the moment SIGKILL takes (QEMU's close waits without a bound).
     *
     * @throws CommandExitException if the child exited non-zero on its own; the channel is closed
     * @throws java.io.IOException if the child survived SIGKILL
     */
    @Override
    void close() throws java.io.IOException;
}
