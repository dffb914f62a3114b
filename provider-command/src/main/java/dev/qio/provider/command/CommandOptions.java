package dev.qio.provider.command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link CommandChannels#spawn} starts a child: which of its standard streams the channel
 * carries, where it runs, what it gets in its environment, where its stderr goes and how long
 * {@code close()} waits for it. The URI options of {@code command:} map one to one:
 * {@code mode=r|w|rw}, {@code cwd=DIR}, {@code env.NAME=VALUE}, {@code stderr=inherit|discard|merge}
 * and {@code grace=MS}.
 *
 * <p>Immutable: every {@code with} method returns a new instance. {@link #defaults()} is
 * {@link Mode#RW}, the JVM's working directory and environment, {@link Stderr#INHERIT} (as QEMU)
 * and a grace period of {@link #DEFAULT_GRACE}.
 */
public final class CommandOptions {
    /** The grace period unless {@link #withGrace} says otherwise: 5 seconds. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private static final CommandOptions DEFAULTS =
            new CommandOptions(Mode.RW, null, Map.of(), Stderr.INHERIT, DEFAULT_GRACE);

    /** Which directions the channel carries: QEMU's {@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}. */
    public enum Mode {
        /**
         * Reads give the child's stdout; the child's stdin is empty (closed at once, so it reads
         * EOF). Writes are refused with {@link java.nio.channels.NonWritableChannelException}.
         */
        R,
        /**
         * Writes go to the child's stdin; its stdout is discarded, so reads return
         * {@link dev.qio.channel.IoChannel#EOF} at once.
         */
        W,
        /** Writes go to the child's stdin and reads give its stdout. */
        RW;

        boolean reads() {
            return this != W;
        }

        boolean writes() {
            return this != R;
        }
    }

    /** Where the child's stderr goes. */
    public enum Stderr {
        /** To the JVM's own stderr, as QEMU does. */
        INHERIT,
        /** Nowhere ({@code /dev/null}). */
        DISCARD,
        /**
         * Into the child's stdout, so the channel reads both interleaved as the child wrote them
         * ({@code 2>&1}); discarded with stdout in {@link Mode#W}.
         */
        MERGE
    }

    private final Mode mode;
    private final Path cwd;
    private final Map<String, String> env;
    private final Stderr stderr;
    private final Duration grace;

    private CommandOptions(Mode mode, Path cwd, Map<String, String> env, Stderr stderr, Duration grace) {
        this.mode = mode;
        this.cwd = cwd;
        this.env = env;
        this.stderr = stderr;
        this.grace = grace;
    }

    /** Read-write, inherited working directory, environment and stderr, a 5 second grace period. */
    public static CommandOptions defaults() {
        return DEFAULTS;
    }

    /** The directions the channel carries; default {@link Mode#RW}. */
    public Mode mode() {
        return mode;
    }

    /** Behaves as this, carrying {@code mode}. */
    public CommandOptions withMode(Mode mode) {
        return new CommandOptions(Objects.requireNonNull(mode, "mode"), cwd, env, stderr, grace);
    }

    /** The child's working directory; empty means the JVM's. */
    public Optional<Path> cwd() {
        return Optional.ofNullable(cwd);
    }

    /**
     * Behaves as this, running the child in {@code dir}. Spawning checks that it is an existing
     * directory. A program path with a {@code /} ({@code ./run.sh}) is resolved against it, as
     * {@code execve} in the child would.
     */
    public CommandOptions withCwd(Path dir) {
        return new CommandOptions(mode, Objects.requireNonNull(dir, "dir"), env, stderr, grace);
    }

    /** Variables set in (or replaced in) the child's copy of the JVM's environment, in order. */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Behaves as this, with {@code name=value} in the child's environment. Setting {@code PATH}
     * changes what the child sees, not where its program is looked up: that is always the JVM's
     * {@code PATH}, as {@link ProcessBuilder} does it.
     *
     * @throws IllegalArgumentException if {@code name} is empty or holds {@code =} or NUL, or
     *     {@code value} holds NUL; the message quotes it
     */
    public CommandOptions withEnv(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the value of environment variable '" + name + "' holds a NUL");
        }
        Map<String, String> next = new LinkedHashMap<>(env);
        next.put(name, value);
        return new CommandOptions(mode, cwd, Collections.unmodifiableMap(next), stderr, grace);
    }

    /** Where the child's stderr goes; default {@link Stderr#INHERIT}. */
    public Stderr stderr() {
        return stderr;
    }

    /** Behaves as this, sending the child's stderr to {@code stderr}. */
    public CommandOptions withStderr(Stderr stderr) {
        return new CommandOptions(mode, cwd, env, Objects.requireNonNull(stderr, "stderr"), grace);
    }

    /**
     * How long {@code close()} waits for the child to exit after closing its stdin, and again
     * after SIGTERM before SIGKILL; default {@link #DEFAULT_GRACE}.
     */
    public Duration grace() {
        return grace;
    }

    /**
     * Behaves as this, with grace period {@code grace}; zero signals at once.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public CommandOptions withGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace period " + grace + " is negative");
        }
        return new CommandOptions(mode, cwd, env, stderr, grace);
    }

    @Override
    public String toString() {
        return "CommandOptions[mode=" + mode + ", cwd=" + cwd + ", env=" + env.keySet() + ", stderr=" + stderr
                + ", grace=" + grace.toMillis() + "ms]";
    }
}
