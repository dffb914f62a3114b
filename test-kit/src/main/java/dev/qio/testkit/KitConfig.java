package dev.qio.testkit;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * The kit's run configuration: the run seed every property derives its inputs from, an optional
 * try count that replaces every property's own, and the factor every kit timeout and the
 * liveness bound are multiplied by.
 *
 * <p>One configuration holds per JVM, because the run seed must be the same for every property
 * of the run (a report names one seed that reruns them all) and the kit's bounds are fixed when
 * its classes load. A runner such as {@code qio conformance} builds one and {@link #install}s it
 * before the kit runs; without one, the first use takes {@link #fromSystemProperties()}, so a
 * surefire run is configured with {@code -Dqio.seed}, {@code -Dqio.tries} and
 * {@code -Dqio.timeout.scale}.
 *
 * <p>Instances are immutable; the {@code with} methods return a changed copy and reject bad
 * values with an {@link IllegalArgumentException} naming the setting and the value.
 */
public final class KitConfig {
    private static KitConfig current;

    private final long seed;
    private final int tries;
    private final double timeoutScale;

    private KitConfig(long seed, int tries, double timeoutScale) {
        this.seed = seed;
        this.tries = tries;
        this.timeoutScale = timeoutScale;
    }

    /** A random run seed, each property's own try count, and timeouts as written. */
    public static KitConfig defaults() {
        return new KitConfig(new SplittableRandom().nextLong(), -1, 1);
    }

    /**
     * The defaults amended by the system properties {@code qio.seed} (decimal or {@code 0x} hex),
     * {@code qio.tries} and {@code qio.timeout.scale}, where they are set and not blank.
     *
     * @throws IllegalArgumentException naming the property when one does not parse
     */
    public static KitConfig fromSystemProperties() {
        KitConfig config = defaults();
        String seed = System.getProperty("qio.seed");
        if (seed != null && !seed.isBlank()) {
            config = config.withSeed(parseSeed(seed));
        }
        String tries = System.getProperty("qio.tries");
        if (tries != null && !tries.isBlank()) {
            try {
                config = config.withTries(Math.max(0, Integer.parseInt(tries.trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("qio.tries is not an int: " + tries, e);
            }
        }
        String scale = System.getProperty("qio.timeout.scale");
        if (scale != null && !scale.isBlank()) {
            try {
                config = config.withTimeoutScale(Double.parseDouble(scale.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("qio.timeout.scale is not a number: " + scale, e);
            }
        }
        return config;
    }

    /** This configuration with run seed {@code seed}. */
    public KitConfig withSeed(long seed) {
        return new KitConfig(seed, tries, timeoutScale);
    }

    /** This configuration with {@code tries} tries for every property; 0 runs only their examples. */
    public KitConfig withTries(int tries) {
        if (tries < 0) {
            throw new IllegalArgumentException("tries must be at least 0, not " + tries);
        }
        return new KitConfig(seed, tries, timeoutScale);
    }

    /** This configuration with every kit timeout multiplied by {@code scale}, which must be positive. */
    public KitConfig withTimeoutScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("timeout scale must be a positive number, not " + scale);
        }
        return new KitConfig(seed, tries, scale);
    }

    /** The run seed. */
    public long seed() {
        return seed;
    }

    /** The try count that replaces every property's own, if one is set. */
    public OptionalInt tries() {
        return tries < 0 ? OptionalInt.empty() : OptionalInt.of(tries);
    }

    /** The factor every kit timeout is multiplied by. */
    public double timeoutScale() {
        return timeoutScale;
    }

    /**
     * Parses a run seed: decimal (signed or unsigned 64-bit) or {@code 0x} hex, surrounding blanks
     * ignored.
     *
     * @throws IllegalArgumentException quoting the text when it is neither
     */
    public static long parseSeed(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the seed must be decimal or 0x hex, not '" + text + "'", e);
        }
    }

    /**
     * Makes {@code config} the configuration of this JVM's kit runs. Call it before the kit's
     * first use; installing the configuration already in force again does nothing.
     *
     * @throws IllegalStateException if the kit already runs with another configuration
     */
    public static synchronized void install(KitConfig config) {
        Objects.requireNonNull(config, "config");
        if (current != null && current != config) {
            throw new IllegalStateException(
                    "the kit already runs with " + current + "; install a KitConfig before its first use");
        }
        current = config;
    }

    /** The configuration in force: the one installed, else (from now on) {@link #fromSystemProperties()}. */
    public static synchronized KitConfig current() {
        if (current == null) {
            current = fromSystemProperties();
        }
        return current;
    }

    @Override
    public String toString() {
        return "KitConfig[seed=0x" + Long.toHexString(seed) + ", tries=" + (tries < 0 ? "per property" : tries)
                + ", timeoutScale=" + timeoutScale + "]";
    }
}
