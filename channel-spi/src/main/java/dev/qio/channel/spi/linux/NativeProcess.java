package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child process started with {@code posix_spawn(3)}, its standard streams as {@link NativeFile}s
 * and its exit seen through a pidfd: what the native {@code command:} channel is made of.
 *
 * <h2>Starting</h2>
 * {@code posix_spawn} (glibc's: {@code clone} with {@code CLONE_VM|CLONE_VFORK}, no copy of the
 * JVM's address space) runs the program at an absolute path with exactly the argv and environment
 * given, never through a shell; glibc 2.24 and later report a failed {@code execve} (ENOENT,
 * EACCES, ENOEXEC) as its return value, which {@link #spawn} raises naming the program. In the
 * child every descriptor from 3 up is closed before the exec ({@code closefrom}: the JDK opens
 * many descriptors without {@code O_CLOEXEC}, as its own process launcher closes them all), the
 * signal mask is emptied and every signal is reset to its default action. The parent's pipe ends
 * are {@code O_CLOEXEC} from {@code pipe2} on and {@code O_NONBLOCK}, the child's ends blocking.
 *
 * <h2>Exit and reaping</h2>
 * The child's pidfd is a {@link PolledFd} registered with the shared epoll poller: when it becomes
 * readable (the child exited) a virtual thread reaps it with {@code waitid(P_PIDFD, WNOHANG)},
 * closes the pidfd and completes {@link #onExit()}. No thread waits per child, no blocking
 * {@code waitpid} runs anywhere, and no child is left a zombie once it exits. Signals go by pid,
 * which is safe: until this object reaps it, the child's pid cannot be reused.
 *
 * <p>The class runs past 400 lines because starting, signalling and reaping one child are one
 * lifecycle around one pid and one pidfd: the spawn's file actions and attributes, the argv and
 * environment blocks in native memory, and the exit path all touch the same state, and each part
 * on its own would be a handful of bindings with nothing to say.
 */
public final class NativeProcess {
    /** Where one of the child's standard streams goes. */
    public enum Stdio {
        /** A pipe to this process: {@link #stdin()} or {@link #stdout()}. */
        PIPE,
        /** {@code /dev/null}. */
        DISCARD,
        /** This process's own descriptor. */
        INHERIT,
        /** Stderr only: wherever stdout goes ({@code 2>&1}). */
        MERGE
    }

    /** SIGTERM. */
    public static final int SIGTERM = 15;
    /** SIGKILL. */
    public static final int SIGKILL = 9;

    private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int P_PIDFD = 3;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int CLD_EXITED = 1;
    private static final int ECHILD = 10;
    /** glibc's {@code posix_spawn_file_actions_t} is 80 bytes and {@code posix_spawnattr_t} 336: room to spare. */
    private static final long OPAQUE = 1024;

    private static final long SIGSET = 128;

    private static final MethodHandle FA_INIT = Sys.linkCritical("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
    private static final MethodHandle FA_DESTROY =
            Sys.linkCritical("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle FA_DUP2 =
            Sys.linkCritical("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle FA_OPEN = Sys.linkCritical(
            "posix_spawn_file_actions_addopen", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle FA_CHDIR =
            Sys.linkCritical("posix_spawn_file_actions_addchdir_np", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle FA_CLOSEFROM =
            Sys.linkCritical("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle ATTR_INIT = Sys.linkCritical("posix_spawnattr_init", JAVA_INT, ADDRESS);
    private static final MethodHandle ATTR_DESTROY = Sys.linkCritical("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle ATTR_FLAGS =
            Sys.linkCritical("posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
    private static final MethodHandle ATTR_SIGMASK =
            Sys.linkCritical("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle ATTR_SIGDEFAULT =
            Sys.linkCritical("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SIGEMPTYSET = Sys.linkCritical("sigemptyset", JAVA_INT, ADDRESS);
    private static final MethodHandle SIGFILLSET = Sys.linkCritical("sigfillset", JAVA_INT, ADDRESS);
    /** Waits while the child execs (vfork semantics): linked normally, native memory only. */
    private static final MethodHandle POSIX_SPAWN =
            Sys.linkBlocking("posix_spawn", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private static final MethodHandle PIDFD_OPEN = Sys.linkCritical("pidfd_open", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle WAITID =
            Sys.linkCritical("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    /** waitid without WNOHANG, for the one path that must wait for a child it just killed. */
    private static final MethodHandle WAITID_BLOCKING =
            Sys.linkBlocking("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

    private static final MethodHandle KILL = Sys.linkCritical("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle GETPID = Sys.linkCritical("getpid", JAVA_INT);

    private static final String REASON = reason();

    private final int pid;
    private final String name;
    private final NativeFile stdin;
    private final NativeFile stdout;
    private final PolledFd pidfd;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Whether a virtual thread is (about to be) looking at the exit; at most one at a time. */
    private final AtomicBoolean reaping = new AtomicBoolean();
    /** The exit status once reaped; guarded by {@code this}. */
    private Integer status;

    private NativeProcess(int pid, int pidfd, NativeFile stdin, NativeFile stdout, String name) {
        this.pid = pid;
        this.name = name;
        this.stdin = stdin;
        this.stdout = stdout;
        this.pidfd = new PolledFd(pidfd);
        // Never closed: the pidfd's close (once reaped) ends the registration with the descriptor.
        this.pidfd.subscribe(Set.of(IoCondition.IN), this::exitMayHaveHappened);
    }

    /**
     * Why children cannot be started this way, if they cannot: the native backend is off
     * ({@link Linux}), or the kernel has no {@code pidfd_open} (Linux before 5.3).
     */
    public static Optional<String> unavailableReason() {
        return Linux.isAvailable() ? Optional.ofNullable(REASON) : Linux.unavailableReason();
    }

    private static String reason() {
        if (!Linux.isAvailable()) {
            return null; // unavailableReason() answers from Linux; nothing here may be linked
        }
        MemorySegment err = Sys.errnoSlot();
        try {
            int self = (int) GETPID.invokeExact(err);
            int fd = (int) PIDFD_OPEN.invokeExact(err, self, 0);
            if (fd < 0) {
                return "pidfd_open: " + Sys.strerror(Sys.errno(err)) + " (Linux 5.3 or later is needed)";
            }
            Sys.close(fd);
            return null;
        } catch (Throwable t) {
            return "cannot link posix_spawn and pidfd_open: " + t;
        }
    }

    /**
     * Starts {@code program} with {@code argv} and exactly {@code env} as its environment.
     *
     * @param program an absolute path; the caller has looked it up
     * @param cwd the child's working directory, or {@code null} for this process's
     * @param stdinTo {@link Stdio#PIPE}, {@link Stdio#DISCARD} or {@link Stdio#INHERIT}
     * @param stdoutTo likewise
     * @param stderrTo any, {@link Stdio#PIPE} excepted
     * @param name for messages
     * @throws IOException naming the program and the kernel's reason when it cannot be run
     * @throws IllegalStateException if {@link #unavailableReason()} is not empty
     */
    public static NativeProcess spawn(
            Path program,
            List<String> argv,
            Map<String, String> env,
            Path cwd,
            Stdio stdinTo,
            Stdio stdoutTo,
            Stdio stderrTo,
            String name)
            throws IOException {
        unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("native process spawning is not available: " + r);
        });
        if (stderrTo == Stdio.PIPE || stdinTo == Stdio.MERGE || stdoutTo == Stdio.MERGE) {
            throw new IllegalArgumentException("stdin " + stdinTo + ", stdout " + stdoutTo + ", stderr " + stderrTo);
        }
        int[] in = stdinTo == Stdio.PIPE
                ? NativePairs.pipeNumbers(name + ": pipe2")
                : null; // [0] the child's read end, [1] ours
        int[] out = null;
        NativeFile ourIn = null;
        NativeFile ourOut = null;
        int pid = -1;
        try {
            out = stdoutTo == Stdio.PIPE
                    ? NativePairs.pipeNumbers(name + ": pipe2")
                    : null; // [0] ours, [1] the child's write end
            pid = start(
                    program,
                    argv,
                    env,
                    cwd,
                    in == null ? -1 : in[0],
                    stdinTo,
                    out == null ? -1 : out[1],
                    stdoutTo,
                    stderrTo,
                    name);
        } finally {
            closeChildEnds(in, out);
            if (pid < 0) {
                closeQuietly(in == null ? -1 : in[1]);
                closeQuietly(out == null ? -1 : out[0]);
            }
        }
        try {
            ourIn = in == null ? null : NativeFile.pipeEnd(in[1], name);
            ourOut = out == null ? null : NativeFile.pipeEnd(out[0], name);
            return new NativeProcess(pid, pidfd(pid, name), ourIn, ourOut, name);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(ourIn);
            closeQuietly(ourOut);
            killAndWait(pid);
            throw e;
        }
    }

    /** posix_spawn with the file actions and attributes the class description lists; returns the pid. */
    private static int start(
            Path program,
            List<String> argv,
            Map<String, String> env,
            Path cwd,
            int childIn,
            Stdio stdinTo,
            int childOut,
            Stdio stdoutTo,
            Stdio stderrTo,
            String name)
            throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(OPAQUE, 16);
            MemorySegment attr = arena.allocate(OPAQUE, 16);
            MemorySegment err = arena.allocate(JAVA_INT);
            check((int) FA_INIT.invokeExact(err, actions), "posix_spawn_file_actions_init", name);
            try {
                check((int) ATTR_INIT.invokeExact(err, attr), "posix_spawnattr_init", name);
                try {
                    MemorySegment devNull = arena.allocateFrom("/dev/null");
                    redirect(actions, 0, childIn, stdinTo, devNull, FifoOpen.O_RDONLY, name);
                    redirect(actions, 1, childOut, stdoutTo, devNull, FifoOpen.O_WRONLY, name);
                    if (stderrTo == Stdio.MERGE) {
                        check((int) FA_DUP2.invokeExact(err, actions, 1, 2), "adddup2", name);
                    } else {
                        redirect(actions, 2, -1, stderrTo, devNull, FifoOpen.O_WRONLY, name);
                    }
                    if (cwd != null) {
                        check(
                                (int) FA_CHDIR.invokeExact(err, actions, arena.allocateFrom(cwd.toString())),
                                "addchdir_np",
                                name);
                    }
                    check((int) FA_CLOSEFROM.invokeExact(err, actions, 3), "addclosefrom_np", name);
                    MemorySegment empty = arena.allocate(SIGSET, 8);
                    MemorySegment all = arena.allocate(SIGSET, 8);
                    check((int) SIGEMPTYSET.invokeExact(err, empty), "sigemptyset", name);
                    check((int) SIGFILLSET.invokeExact(err, all), "sigfillset", name);
                    check((int) ATTR_SIGMASK.invokeExact(err, attr, empty), "setsigmask", name);
                    check((int) ATTR_SIGDEFAULT.invokeExact(err, attr, all), "setsigdefault", name);
                    check(
                            (int) ATTR_FLAGS.invokeExact(
                                    err, attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                            "setflags",
                            name);
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    int rc = (int) POSIX_SPAWN.invokeExact(
                            err,
                            pid,
                            arena.allocateFrom(program.toString()),
                            actions,
                            attr,
                            strings(arena, argv),
                            strings(arena, environment(env)));
                    if (rc != 0) {
                        throw new IOException(
                                name + ": cannot run '" + argv.getFirst() + "' (" + program + "): " + Sys.strerror(rc));
                    }
                    return pid.get(JAVA_INT, 0);
                } finally {
                    int unused = (int) ATTR_DESTROY.invokeExact(err, attr);
                }
            } finally {
                int unused = (int) FA_DESTROY.invokeExact(err, actions);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /** The file action that gives the child {@code target} as {@code how} says. */
    private static void redirect(
            MemorySegment actions, int target, int pipeEnd, Stdio how, MemorySegment devNull, int access, String name)
            throws Throwable {
        MemorySegment err = Sys.errnoSlot();
        switch (how) {
            case PIPE -> check((int) FA_DUP2.invokeExact(err, actions, pipeEnd, target), "adddup2", name);
            case DISCARD -> check((int) FA_OPEN.invokeExact(err, actions, target, devNull, access, 0), "addopen", name);
            case INHERIT, MERGE -> {}
        }
    }

    private static void check(int rc, String call, String name) throws IOException {
        if (rc != 0) {
            throw new IOException(name + ": " + call + ": " + Sys.strerror(rc));
        }
    }

    private static List<String> environment(Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** A NULL-terminated {@code char *[]} of {@code values}, in {@code arena}. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static int pidfd(int pid, String name) throws IOException {
        MemorySegment err = Sys.errnoSlot();
        int fd;
        try {
            fd = (int) PIDFD_OPEN.invokeExact(err, pid, Sys.O_NONBLOCK);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (fd < 0) {
            throw new IOException(name + ": pidfd_open(" + pid + "): " + Sys.strerror(Sys.errno(err)));
        }
        return fd;
    }

    private static void closeChildEnds(int[] in, int[] out) {
        closeQuietly(in == null ? -1 : in[0]);
        closeQuietly(out == null ? -1 : out[1]);
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            Sys.close(fd);
        }
    }

    private static void closeQuietly(NativeFile pipe) {
        if (pipe != null) {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // already failing: the first exception is the one to report
            }
        }
    }

    /** A child started but not handed out (no pidfd): SIGKILL, then a blocking wait, which returns at once. */
    private static void killAndWait(int pid) {
        try {
            int unused = (int) KILL.invokeExact(Sys.errnoSlot(), pid, SIGKILL);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = arena.allocate(128, 8);
                unused = (int) WAITID_BLOCKING.invokeExact(arena.allocate(JAVA_INT), 1 /* P_PID */, pid, s, WEXITED);
            }
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /** The child's process id. */
    public long pid() {
        return pid;
    }

    /** Our end of the child's stdin, non-blocking; {@code null} unless it was {@link Stdio#PIPE}. */
    public NativeFile stdin() {
        return stdin;
    }

    /** Our end of the child's stdout, non-blocking; {@code null} unless it was {@link Stdio#PIPE}. */
    public NativeFile stdout() {
        return stdout;
    }

    /**
     * Completes with the exit status once the child exited and was reaped: its exit code, or 128
     * plus the signal that ended it; -1 if something else in this process reaped it first. Each
     * call returns a new future.
     */
    public CompletableFuture<Integer> onExit() {
        return exit.thenApply(s -> s);
    }

    /** The exit status if the child has exited (reaping it now if need be), else empty. Never waits. */
    public OptionalInt exitStatus() {
        if (!reap()) {
            return OptionalInt.empty();
        }
        synchronized (this) {
            return OptionalInt.of(status);
        }
    }

    /**
     * Waits until the child has exited and been reaped, at most {@code nanos}; parks, so a
     * virtual thread's carrier is free meanwhile.
     *
     * @return whether it has
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean awaitExit(long nanos) throws InterruptedException {
        try {
            exit.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return reap();
        } catch (ExecutionException e) {
            throw Sys.rethrow(e.getCause());
        }
    }

    /**
     * Sends {@code signal} to the child unless it has been reaped.
     *
     * @return whether it was sent
     */
    public synchronized boolean signal(int signal) {
        if (status != null) {
            return false;
        }
        try {
            return (int) KILL.invokeExact(Sys.errnoSlot(), pid, signal) == 0;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /** From the poller (or a close): the pidfd may be readable; one virtual thread looks. */
    private void exitMayHaveHappened() {
        if (exit.isDone() || !reaping.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("qio-process-" + pid + "-exit").start(() -> {
            if (!reap()) {
                reaping.set(false);
                pidfd.blocked(IoCondition.IN); // re-arms: a readiness that came meanwhile fires at once
            }
        });
    }

    /** Reaps the child if it has exited; returns whether it has been reaped. Never waits. */
    private boolean reap() {
        int s;
        synchronized (this) {
            if (status != null) {
                return true;
            }
            int[] info = new int[32]; // siginfo_t: si_pid at 16, si_code at 8, si_status at 24
            MemorySegment err = Sys.errnoSlot();
            int rc;
            try {
                int fd = pidfd.acquire(name);
                try {
                    rc = (int) WAITID.invokeExact(err, P_PIDFD, fd, MemorySegment.ofArray(info), WEXITED | WNOHANG);
                } finally {
                    pidfd.release();
                }
            } catch (Throwable t) {
                throw Sys.rethrow(t);
            }
            if (rc < 0 && Sys.errno(err) != ECHILD) {
                throw new IllegalStateException(name + ": waitid: " + Sys.strerror(Sys.errno(err)));
            }
            if (rc == 0 && info[4] == 0) {
                return false; // still running
            }
            s = rc < 0 ? -1 : info[2] == CLD_EXITED ? info[6] : 128 + info[6];
            status = s;
        }
        pidfd.close();
        exit.complete(s);
        return true;
    }

    @Override
    public String toString() {
        return "NativeProcess[pid " + pid + (exit.isDone() ? ", exited " + exit.join() : "") + "]";
    }
}
