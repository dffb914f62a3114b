package dev.qio.provider.command;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One child process and everything the channel keeps for it: the {@link Process}, the two pumps
 * and their threads, and the readiness they signal. It never refers to its channel, so a channel
 * dropped without {@code close} becomes unreachable even while its pump threads run, and its
 * {@link java.lang.ref.Cleaner} action can {@linkplain #abandon() end the child}.
 *
 * <h2>Ending</h2>
 * {@link #terminate()} is QEMU's close followed by its abort path: stop reading stdout, let stdin
 * drain and close, wait {@code grace} for the child to exit, then SIGTERM, wait {@code grace}
 * again, then SIGKILL. Signals go through {@link ProcessHandle}, which only signals: a
 * {@link Process#destroy()} would also close the streams, and could wait behind a pump blocked in
 * a write. The JDK's reaper thread reaps every child it started, so none is left a zombie.
 */
final class Child extends AbstractChild {
    /**
     * Bytes each direction buffers in the JVM, on top of the kernel's pipe. Four pipes' worth: with
     * room for several writes the writer and the pump rarely wait for each other, where a ring the
     * size of one pipe made them hand over on almost every 64 KiB write. {@code command:cat} moved
     * 0.43 of what {@code Process} streams move with 64 KiB, 0.6 with 128 KiB, 0.7 with 256 KiB
     * and 0.55 to 0.6 with 1 MiB, whose rings no longer stay in the CPU's cache (benchmarks/run,
     * docs/BENCHMARKS.md).
     */
    static final int BUFFER = 256 * 1024;
    /**
     * How long {@link #terminate()} waits for the pumps once the child is gone. They end at once
     * unless a grandchild still holds one of the child's pipes; then they end when it lets go.
     */
    private static final Duration PUMP_JOIN = Duration.ofSeconds(1);

    private final Process process;
    /** The child's stdout; {@code null} in mode w (discarded: reads return EOF). */
    private final ChildStdout stdout;
    /** The child's stdin; {@code null} in mode r (closed at spawn: writes are refused). */
    private final ChildStdin stdin;

    private final List<Thread> pumps = new ArrayList<>(2);
    /** Signalled by both pumps and by every read and write; the channel's readiness. */
    final SignalledReadiness readiness = new SignalledReadiness(this::poll);

    private Child(List<String> argv, CommandOptions options, Process process) {
        super(argv, process.pid(), new Ending(new ProcessExits(process), argv, options.grace()));
        this.process = process;
        CommandOptions.Mode mode = options.mode();
        if (mode.writes()) {
            stdin = new ChildStdin(process.getOutputStream(), BUFFER, readiness);
        } else {
            stdin = null;
            try {
                process.getOutputStream().close(); // mode r: the child's stdin is empty
            } catch (IOException ignored) {
                // closing a fresh pipe does not fail; if it did, the child sees EOF anyway on exit
            }
        }
        stdout = mode.reads() ? new ChildStdout(process.getInputStream(), BUFFER, readiness) : null;
        String prefix = "qio-command-" + process.pid();
        if (stdout != null) {
            pumps.add(Thread.ofPlatform().name(prefix + "-stdout").daemon(true).unstarted(stdout));
        }
        if (stdin != null) {
            pumps.add(Thread.ofPlatform().name(prefix + "-stdin").daemon(true).unstarted(stdin));
        }
    }

    /**
     * Checks the program and the options, then starts the child and its pumps.
     *
     * @param name the channel's name, for messages
     * @throws IOException naming the program, the path or the directory that is wrong
     */
    static Child spawn(String name, List<String> argv, CommandOptions options) throws IOException {
        Path dir = checkCwd(name, options);
        String program = argv.getFirst();
        findProgram(name, program, dir);
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(options.env());
        builder.redirectInput(Redirect.PIPE);
        builder.redirectOutput(options.mode().reads() ? Redirect.PIPE : Redirect.DISCARD);
        switch (options.stderr()) {
            case INHERIT -> builder.redirectError(Redirect.INHERIT);
            case DISCARD -> builder.redirectError(Redirect.DISCARD);
            case MERGE -> builder.redirectErrorStream(true);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(name + ": cannot start '" + program + "': " + e.getMessage(), e);
        }
        return adopt(argv, process, options);
    }

    /**
     * Starts the pumps on a child that is already running, whoever started it. Its streams
     * must not have been read or written before, or those bytes are not the channel's.
     */
    static Child adopt(List<String> argv, Process process, CommandOptions options) {
        Child child;
        try {
            child = new Child(argv, options, process);
            for (Thread pump : child.pumps) {
                pump.start();
            }
        } catch (RuntimeException | Error e) {
            process.toHandle().destroyForcibly(); // no pumps, no channel: the child must not outlive us
            throw e;
        }
        return child;
    }

    /** The {@code cwd} option, checked: an existing directory, or {@code null} for the JVM's. */
    static Path checkCwd(String name, CommandOptions options) throws IOException {
        Path dir = options.cwd().orElse(null);
        if (dir == null) {
            return null;
        }
        if (!Files.exists(dir)) {
            throw new IOException(name + ": cwd '" + dir + "' does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(name + ": cwd '" + dir + "' is not a directory");
        }
        return dir;
    }

    /**
     * Finds {@code program} as the child's {@code execvp} will: a name with a {@code /} is a path
     * (relative to the child's working directory); a bare name is looked up on the JVM's
     * {@code PATH}, as {@link ProcessBuilder} does, skipping files that are not executable.
     *
     * @return the program's absolute path
     * @throws IOException naming the program and what is wrong with it
     */
    static Path findProgram(String name, String program, Path dir) throws IOException {
        Path base = dir != null ? dir : Path.of("").toAbsolutePath();
        if (program.indexOf('/') >= 0 || program.indexOf(File.separatorChar) >= 0) {
            Path file = base.resolve(program);
            if (!Files.exists(file)) {
                throw new IOException(name + ": cannot run '" + program + "': no such file (" + file + ")");
            }
            if (Files.isDirectory(file)) {
                throw new IOException(name + ": cannot run '" + program + "': " + file + " is a directory");
            }
            if (!Files.isExecutable(file)) {
                throw new IOException(name + ": cannot run '" + program + "': " + file + " is not executable");
            }
            return file.toAbsolutePath();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            path = File.pathSeparator + "/bin" + File.pathSeparator + "/usr/bin"; // what the JDK's child uses
        }
        Path notExecutable = null;
        for (String entry : path.split(File.pathSeparator, -1)) {
            Path candidate = (entry.isEmpty() ? base : base.resolve(entry)).resolve(program);
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath();
                }
                if (notExecutable == null) {
                    notExecutable = candidate;
                }
            }
        }
        if (notExecutable != null) {
            throw new IOException(name + ": cannot run '" + program + "': " + notExecutable
                    + " is not executable, and no other match on PATH (" + path + ") is");
        }
        throw new IOException(name + ": cannot run '" + program + "': not found on PATH (" + path + ")");
    }

    Process process() {
        return process;
    }

    /** The child's stdout, or {@code null} in mode w. */
    ChildStdout stdout() {
        return stdout;
    }

    /** The child's stdin, or {@code null} in mode r. */
    ChildStdin stdin() {
        return stdin;
    }

    @Override
    Readiness readiness() {
        return readiness;
    }

    @Override
    OptionalInt exitStatus() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    @Override
    CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    @Override
    void stopStreams() {
        if (stdout != null) {
            stdout.close();
        }
        if (stdin != null) {
            stdin.shutdown(); // the pump drains what the channel took, then closes stdin
        }
    }

    /** Waits for the pumps, which end at once unless a grandchild holds one of the child's pipes. */
    @Override
    void afterExit() {
        boolean interrupted = Thread.interrupted();
        interrupted |= joinPumps();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    boolean stdoutCutShort() {
        return stdout != null && !stdout.atEnd();
    }

    /** Waits for the pumps, bounded; returns whether the thread was interrupted meanwhile. */
    private boolean joinPumps() {
        long deadline = System.nanoTime() + PUMP_JOIN.toNanos();
        for (Thread pump : pumps) {
            try {
                pump.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                return true;
            }
        }
        return false;
    }

    /** The conditions that hold now; allocates nothing. */
    private Set<IoCondition> poll() {
        int mask = 0;
        if (stdout == null) {
            mask |= ConditionMask.IN | ConditionMask.HUP; // mode w: reads return EOF at once
        } else {
            if (stdout.readable()) {
                mask |= ConditionMask.IN;
            }
            if (stdout.atEnd()) {
                mask |= ConditionMask.HUP;
            }
            if (stdout.failed()) {
                mask |= ConditionMask.ERR;
            }
        }
        if (stdin == null || stdin.writeFails()) {
            mask |= ConditionMask.OUT | ConditionMask.ERR; // a write fails at once
        } else if (stdin.hasRoom()) {
            mask |= ConditionMask.OUT;
        }
        return ConditionMask.set(mask);
    }

    /** {@link Ending}'s view of a {@link Process}: signals through its handle, which only signals. */
    private record ProcessExits(Process process) implements Ending.Exits {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean exited(Duration within) throws InterruptedException {
            return process.waitFor(within.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        @Override
        public void signal(boolean kill) {
            if (kill) {
                process.toHandle().destroyForcibly();
            } else {
                process.toHandle().destroy();
            }
        }

        @Override
        public int exitValue() {
            return process.exitValue();
        }
    }
}
