package dev.qio.provider.command;

import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * What a command channel keeps for its child, whichever way the child was started ({@link Child}
 * on {@link Process} streams, {@link NativeChild} on native pipes): the argv, how it ends
 * ({@link Ending}), and ending it once. It never refers to its channel, so a channel dropped
 * without {@code close} becomes unreachable and its {@link java.lang.ref.Cleaner} action can
 * {@linkplain #abandon() end the child}.
 */
abstract class AbstractChild {
    private final List<String> argv;
    private final long pid;
    private final Ending ending;
    /** Set once {@link #terminate()} started; read by {@link #abandon()} without the monitor. */
    private volatile boolean terminating;
    /** Guarded by {@code this}: the child's exit status once {@link #terminate()} finished. */
    private Integer status;
    /** Guarded by {@code this}: whether the channel stopped reading stdout before its EOF. */
    private boolean cutShort;

    AbstractChild(List<String> argv, long pid, Ending ending) {
        this.argv = argv;
        this.pid = pid;
        this.ending = ending;
    }

    final List<String> argv() {
        return argv;
    }

    /** Whether {@link #terminate()} has started. */
    final boolean terminating() {
        return terminating;
    }

    /** The child's process id. */
    final long pid() {
        return pid;
    }

    /** The channel's readiness. */
    abstract Readiness readiness();

    /** See {@link CommandChannel#exitStatus()}. */
    abstract OptionalInt exitStatus();

    /** See {@link CommandChannel#onExit()}. */
    abstract CompletableFuture<Integer> onExit();

    /** Stops reading the child's stdout and closes (or lets drain, then closes) its stdin. */
    abstract void stopStreams();

    /** Runs once the child exited, before {@link #terminate()} returns. */
    void afterExit() {}

    /** Whether the child's stdout is read by the channel and did not reach its EOF. */
    abstract boolean stdoutCutShort();

    /**
     * Ends the child as QEMU's close and then its abort path do ({@link Ending}) once
     * {@link #stopStreams()} ran, and returns the exit status. Runs once; later calls wait for the
     * first and return the same status. An interrupt skips to SIGKILL; the interrupt status stays set.
     *
     * @throws IOException if the child survived SIGKILL
     */
    final synchronized int terminate() throws IOException {
        if (status != null) {
            return status;
        }
        terminating = true;
        stopStreams();
        int exit = ending.await();
        afterExit();
        cutShort = stdoutCutShort();
        status = exit;
        return status;
    }

    /** Whether {@code exitStatus}, from {@link #terminate()}, is a failure of the child's own ({@link Ending}). */
    final synchronized boolean failedOnItsOwn(int exitStatus) {
        return ending.failedOnItsOwn(exitStatus, cutShort);
    }

    /**
     * The {@link java.lang.ref.Cleaner} action of a channel dropped without {@code close}: runs
     * {@link #terminate()} on a new virtual thread, so the cleaner thread never waits out a grace
     * period. Does nothing once {@code terminate} started.
     */
    final void abandon() {
        if (terminating) {
            return;
        }
        Thread.ofVirtual().name("qio-command-" + pid() + "-reaper").start(() -> {
            try {
                terminate();
            } catch (IOException refused) {
                // nobody to tell: the channel is gone
            }
        });
    }
}
