package dev.qio.provider.command;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.linux.NativeFile;
import dev.qio.channel.spi.linux.NativeProcess;
import dev.qio.channel.spi.linux.PipeReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One child on the native backend and everything its channel keeps for it: the
 * {@link NativeProcess}, the state of each direction, and how it ends. It never refers to its
 * channel, so a channel dropped without {@code close} becomes unreachable and its
 * {@link java.lang.ref.Cleaner} action can {@linkplain #abandon() end the child}.
 *
 * <p>No thread runs for it while both directions are open: reads and writes are system calls on
 * the channel's threads, waits go through the shared poller, and the exit is seen through a pidfd
 * ({@link NativeProcess}). {@code shutdown(READ)} starts one virtual thread that reads and drops
 * the child's further output until its EOF, so the child never blocks on a reader that left.
 */
final class NativeChild extends AbstractChild {
    private static final int DRAIN = 16 * 1024;

    private final NativeProcess process;
    private final Readiness readiness;
    /** Set once by shutdown(READ); reads return EOF from then on. */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE), which closes the child's stdin. */
    private volatile boolean writeShut;
    /** Whether the child's stdout reached its EOF. */
    private volatile boolean atEnd;

    private NativeChild(List<String> argv, NativeProcess process, Duration grace) {
        super(argv, process.pid(), new Ending(new Exits(process), argv, grace));
        this.process = process;
        this.readiness = new PipeReadiness(
                process.stdout() == null ? null : process.stdout().fd(),
                process.stdin() == null ? null : process.stdin().fd(),
                () -> readShut,
                () -> writeShut);
    }

    /**
     * Starts the child: the program looked up as {@link Child} looks it up, the environment the
     * JVM's with {@code options.env()} on top, stdin and stdout pipes as the mode asks (a
     * direction the mode leaves out gets {@code /dev/null}: EOF to read, a sink to write).
     *
     * @throws IOException naming the program or directory that is wrong, or the kernel's reason
     */
    static NativeChild spawn(String name, List<String> argv, CommandOptions options) throws IOException {
        Path dir = Child.checkCwd(name, options);
        Path program = Child.findProgram(name, argv.getFirst(), dir);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(options.env());
        CommandOptions.Mode mode = options.mode();
        NativeProcess.Stdio stderr = switch (options.stderr()) {
            case INHERIT -> NativeProcess.Stdio.INHERIT;
            case DISCARD -> NativeProcess.Stdio.DISCARD;
            case MERGE -> NativeProcess.Stdio.MERGE;
        };
        NativeProcess process = NativeProcess.spawn(
                program,
                argv,
                env,
                dir,
                mode.writes() ? NativeProcess.Stdio.PIPE : NativeProcess.Stdio.DISCARD,
                mode.reads() ? NativeProcess.Stdio.PIPE : NativeProcess.Stdio.DISCARD,
                stderr,
                name);
        return new NativeChild(argv, process, options.grace());
    }

    NativeProcess process() {
        return process;
    }

    boolean readShut() {
        return readShut;
    }

    boolean writeShut() {
        return writeShut;
    }

    /** A read met the child's EOF. */
    void reachedEnd() {
        atEnd = true;
        process.stdout().fd().hold(IoCondition.IN, IoCondition.HUP);
    }

    /** shutdown(READ): reads return EOF (a blocked one wakes), and the child's output is dropped. */
    void shutdownReads() {
        NativeFile stdout = process.stdout();
        if (readShut || stdout == null) {
            readShut = true;
            return;
        }
        readShut = true;
        stdout.fd().hold(IoCondition.IN); // wakes a reader waiting for IN: it reads EOF now
        Thread.ofVirtual().name("qio-command-" + process.pid() + "-drain").start(() -> drain(stdout));
    }

    /** Reads and drops the child's output until its EOF or until the channel closes. */
    private void drain(NativeFile stdout) {
        Thread me = Thread.currentThread();
        ByteBuffer[] scratch = {ByteBuffer.allocate(DRAIN)};
        try (Readiness.Registration wake =
                stdout.fd().subscribe(Set.of(IoCondition.IN), () -> LockSupport.unpark(me))) {
            while (!terminating()) {
                scratch[0].clear();
                long n = stdout.drain(scratch, "child stdout");
                if (n == 0) {
                    atEnd = true;
                    return;
                }
                if (n < 0) {
                    LockSupport.park(this); // the subscription unparks on readiness and on close
                }
            }
        } catch (IOException closedOrFailed) {
            // the channel closed the pipe, or the read failed: nothing left to drop either way
        }
    }

    /** shutdown(WRITE): closes the child's stdin, so it reads EOF; a blocked writer wakes. */
    void shutdownWrites() {
        writeShut = true;
        if (process.stdin() != null) {
            closeQuietly(process.stdin());
        }
    }

    @Override
    Readiness readiness() {
        return readiness;
    }

    @Override
    OptionalInt exitStatus() {
        return process.exitStatus();
    }

    @Override
    CompletableFuture<Integer> onExit() {
        return process.onExit();
    }

    /** Closes both pipes, waking a thread blocked in either. */
    @Override
    void stopStreams() {
        if (process.stdout() != null) {
            closeQuietly(process.stdout());
        }
        if (process.stdin() != null) {
            closeQuietly(process.stdin());
        }
    }

    @Override
    boolean stdoutCutShort() {
        return process.stdout() != null && !atEnd;
    }

    private static void closeQuietly(NativeFile pipe) {
        try {
            pipe.close();
        } catch (IOException ignored) {
            // close(2) of a pipe end releases it even when it reports an error
        }
    }

    /** {@link Ending}'s view of a {@link NativeProcess}. */
    private record Exits(NativeProcess process) implements Ending.Exits {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean exited(Duration within) throws InterruptedException {
            return process.awaitExit(within.toNanos());
        }

        @Override
        public void signal(boolean kill) {
            process.signal(kill ? NativeProcess.SIGKILL : NativeProcess.SIGTERM);
        }

        @Override
        public int exitValue() {
            return process.exitStatus().orElseThrow();
        }
    }
}
