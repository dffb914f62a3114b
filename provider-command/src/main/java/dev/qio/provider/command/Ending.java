package dev.qio.provider.command;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * How {@code close()} ends a child, whichever way it was started: QEMU's close followed by its
 * abort path. After the caller closed the child's stdin (and stopped reading its stdout), wait
 * {@code grace} for the child to exit, then SIGTERM, wait {@code grace} again, then SIGKILL. A
 * signal sent here is logged as a warning to the {@code dev.qio.provider.command} logger naming
 * the pid and the argv, because the caller only sees the exit status. It also decides whether
 * that status is a failure of the child's own ({@link #failedOnItsOwn}).
 */
final class Ending {
    private static final System.Logger LOG = System.getLogger("dev.qio.provider.command");
    /** How long to wait for SIGKILL to take effect before reporting that the child refused to die. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** The exit status of a child that SIGPIPE ended. */
    static final int SIGPIPE_STATUS = 128 + 13;

    /** What ending needs of a running child. */
    interface Exits {
        long pid();

        /** Waits at most {@code within} for the child to exit; returns whether it has. */
        boolean exited(Duration within) throws InterruptedException;

        /** SIGKILL if {@code kill}, else SIGTERM; nothing once the child is reaped. */
        void signal(boolean kill);

        /** The exit status; only called once {@link #exited} said so. */
        int exitValue();
    }

    private final Exits child;
    private final List<String> argv;
    private final Duration grace;
    /** Whether {@link #await()} had to signal the child. */
    private volatile boolean signalled;

    Ending(Exits child, List<String> argv, Duration grace) {
        this.child = child;
        this.argv = argv;
        this.grace = grace;
    }

    /**
     * Waits for the child as the class description says and returns its exit status. An
     * interrupt skips to SIGKILL; the interrupt status is set when this returns.
     *
     * @throws IOException if the child survived SIGKILL
     */
    int await() throws IOException {
        try {
            escalate();
        } catch (InterruptedException e) {
            signalled = true;
            warn("killed (SIGKILL): the thread closing its channel was interrupted");
            child.signal(true);
            awaitKilled();
            Thread.currentThread().interrupt();
        }
        return child.exitValue();
    }

    /**
     * Whether {@code exitStatus}, from {@link #await()}, is a failure of the child's own: not 0,
     * not caused by a signal sent here, and not SIGPIPE after the channel stopped reading the
     * child's stdout early ({@code cutShort}).
     */
    boolean failedOnItsOwn(int exitStatus, boolean cutShort) {
        return exitStatus != 0 && !signalled && !(exitStatus == SIGPIPE_STATUS && cutShort);
    }

    private void escalate() throws IOException, InterruptedException {
        if (child.exited(grace)) {
            return;
        }
        signalled = true;
        warn("did not exit within " + grace.toMillis() + " ms of its stdin closing; sending SIGTERM");
        child.signal(false);
        if (child.exited(grace)) {
            return;
        }
        warn("did not exit within " + grace.toMillis() + " ms of SIGTERM; sending SIGKILL");
        child.signal(true);
        if (!child.exited(KILL_WAIT)) {
            throw new IOException("process " + child.pid() + " refused to die: still running " + KILL_WAIT.toSeconds()
                    + " s after SIGKILL");
        }
    }

    private void warn(String what) {
        LOG.log(System.Logger.Level.WARNING, () -> "process " + child.pid() + " " + argv + " " + what);
    }

    private void awaitKilled() throws IOException {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (true) {
            try {
                if (child.exited(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    return;
                }
                throw new IOException("process " + child.pid() + " refused to die after SIGKILL");
            } catch (InterruptedException again) {
                // already on the way out; the interrupt is restored by await()
            }
        }
    }
}
