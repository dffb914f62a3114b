package dev.qio.testkit.property;

import dev.qio.testkit.KitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.opentest4j.TestAbortedException;

/**
 * Checks that a body holds for generated inputs, and reports a shrunk counterexample if not.
 *
 * <p>{@code Property.forAll(gen).named("roundtrip").check(value -> ...)} runs the explicit
 * {@linkplain #withExamples examples} first, as given, then {@linkplain #tries tries} generated
 * inputs. Any {@link Throwable} from the body is a failure, except {@link Discard} (the attempt is
 * dropped and does not count as a try) and {@link TestAbortedException} (it propagates, so a JUnit
 * assumption skips the test). A failing generated input is shrunk, re-run once to capture its
 * exception, and reported as a {@link PropertyFailure}, also printed to {@code System.err}.
 * {@link #check} is a plain method call, so it works in {@code @Test} methods and in
 * {@code DynamicTest} bodies alike.
 *
 * <p>The run configuration ({@link KitConfig}: an installed one, or the system properties
 * {@code qio.seed} and {@code qio.tries}) fixes the run seed, otherwise one random seed is picked
 * per JVM, so a report needs only one seed to reproduce every property.
 * Each property derives its own stream from the run seed and its name, so properties do not share
 * inputs, and renaming one changes its inputs. Its try count replaces every property's try
 * count, including explicit {@link #tries} calls, to run a soak or a smoke pass without edits.
 *
 * <p>A property is a mutable builder: configure it, then call {@link #check}; not thread-safe.
 *
 * @param <T> the type of generated inputs
 */
public final class Property<T> {
    /** The body under test; it may throw anything. */
    @FunctionalInterface
    public interface Body<T> {
        /** Runs the property on one input; returns normally if the property holds. */
        void accept(T value) throws Throwable;
    }

    /** Tries per property unless {@link #tries} or {@code qio.tries} says otherwise. */
    public static final int DEFAULT_TRIES = 100;
    /** Draws per input before it counts as an overrun; see {@link #maxDraws}. */
    public static final int DEFAULT_MAX_DRAWS = 1 << 17;

    private static final int RENDER_LIMIT = 200;

    private final Gen<T> gen;
    private String name;
    private int tries = DEFAULT_TRIES;
    private boolean fixedSeed;
    private long seed;
    private List<T> examples = List.of();
    private Function<? super T, String> describer;
    private Shrinker shrinker = new Shrinker(2_000, Duration.ofSeconds(30));
    private int maxDraws = DEFAULT_MAX_DRAWS;

    private Property(Gen<T> gen, String name) {
        this.gen = gen;
        this.name = name;
    }

    /** Returns a property over {@code gen}, named after the calling method until {@link #named}. */
    public static <T> Property<T> forAll(Gen<T> gen) {
        String caller = StackWalker.getInstance()
                .walk(frames -> frames.skip(1).findFirst())
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .orElse("property");
        return new Property<>(Objects.requireNonNull(gen, "gen"), caller);
    }

    /** Names the property for reports; the name also selects its stream of inputs. */
    public Property<T> named(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Sets how many generated inputs must pass; {@code qio.tries} overrides it. */
    public Property<T> tries(int tries) {
        if (tries < 0) throw new IllegalArgumentException("tries < 0: " + tries);
        this.tries = tries;
        return this;
    }

    /** Fixes this property's seed, ignoring the run seed; meant for the engine's own tests. */
    public Property<T> seed(long seed) {
        this.fixedSeed = true;
        this.seed = seed;
        return this;
    }

    /** Sets inputs that run before generated ones, as given and never shrunk. */
    @SafeVarargs
    public final Property<T> withExamples(T... examples) {
        List<T> all = new ArrayList<>();
        for (T example : examples) all.add(example);
        this.examples = all;
        return this;
    }

    /** Renders inputs in reports with {@code describer}, untruncated, instead of the default. */
    public Property<T> describedBy(Function<? super T, String> describer) {
        this.describer = Objects.requireNonNull(describer, "describer");
        return this;
    }

    /** Bounds shrinking to {@code maxRuns} re-runs and {@code maxTime}; defaults 2,000 and 30 s. */
    public Property<T> shrinkBudget(int maxRuns, Duration maxTime) {
        this.shrinker = new Shrinker(maxRuns, maxTime);
        return this;
    }

    /** Sets how many choices one input may draw before the attempt is discarded as an overrun. */
    public Property<T> maxDraws(int maxDraws) {
        if (maxDraws < 1) throw new IllegalArgumentException("maxDraws < 1: " + maxDraws);
        this.maxDraws = maxDraws;
        return this;
    }

    /** Discards the current input unless {@code condition} holds; call it from a body. */
    public static void assume(boolean condition) {
        if (!condition) throw new Discard("assumption failed");
    }

    /** Returns the seed shared by every property in this JVM: {@code qio.seed}, or random. */
    public static long runSeed() {
        return RunSeed.VALUE;
    }

    /** Returns {@code seed=0x…} for the run seed, to put in display names. */
    public static String seedLabel() {
        return "seed=" + hex(runSeed());
    }

    /**
     * Runs the examples, then the generated tries, and returns if all pass.
     *
     * @throws PropertyFailure for the first failing input, shrunk if it was generated
     * @throws TestAbortedException if the body aborted
     * @throws AssertionError if ten times the tries (at least 100) were discarded
     */
    public void check(Body<? super T> body) {
        Objects.requireNonNull(body, "body");
        long seed = fixedSeed ? this.seed : runSeed();
        for (int i = 0; i < examples.size(); i++) {
            Throwable failure = run(body, examples.get(i));
            if (failure == null || failure instanceof Discard) continue;
            rethrowAbort(failure);
            String what = "explicit example #" + (i + 1) + " of " + examples.size();
            throw report(what, seed, examples.get(i), failure, 0, null);
        }
        int tries = triesToRun();
        long discardLimit = Math.max(100, 10L * tries);
        RandomGenerator random = new SplittableRandom(streamSeed(seed, name));
        int done = 0;
        for (long discarded = 0; done < tries; ) {
            Choices choices = Choices.generating(random, maxDraws);
            Throwable failure;
            try {
                failure = run(body, gen.next(choices));
            } catch (Discard d) {
                failure = d;
            }
            if (failure instanceof Discard) {
                if (++discarded < discardLimit) continue;
                throw new AssertionError("Property '" + name + "' gave up: " + discarded
                        + " inputs discarded (filter, assume or more than " + maxDraws
                        + " draws) and only " + done + " of " + tries + " tries ran. "
                        + rerunHint(seed));
            }
            done++;
            if (failure != null) {
                rethrowAbort(failure);
                String label = "try " + done + " of " + tries;
                throw shrinkAndReport(body, label, seed, choices.recorded(), failure);
            }
        }
    }

    private PropertyFailure shrinkAndReport(
            Body<? super T> body, String tryLabel, long seed, long[] original, Throwable originalFailure) {
        Shrinker.Result shrunk = shrinker.shrink(original, candidate -> {
            Outcome outcome = replay(body, candidate);
            return outcome.failure() != null ? outcome.consumed() : null;
        });
        Outcome rerun = replay(body, shrunk.choices());
        String stats = original.length + " choices, shrunk to " + shrunk.choices().length
                + " in " + shrunk.steps() + " steps and " + shrunk.runs() + " runs"
                + (shrunk.exhausted() ? " (shrink budget spent)" : "");
        if (rerun.failure() == null) {
            stats += "; the shrunk input passed when re-run, so this is the original input";
            return report(tryLabel, seed, rebuild(original), originalFailure, 0, stats);
        }
        PropertyFailure report =
                report(tryLabel, seed, rebuild(shrunk.choices()), rerun.failure(), shrunk.steps(), stats);
        report.addSuppressed(originalFailure);
        return report;
    }

    /** Rebuilds an input from {@code candidate}; failure is null unless the body really failed. */
    private Outcome replay(Body<? super T> body, long[] candidate) {
        Choices choices = Choices.replaying(candidate, maxDraws);
        T value;
        try {
            value = gen.next(choices);
        } catch (RuntimeException e) {
            return new Outcome(null, null); // Discard, or a generator choking on an edit
        }
        Throwable failure = run(body, value);
        return new Outcome(stillFails(failure) ? failure : null, choices.recorded());
    }

    /** Rebuilds an input for the report, as the body may have mutated the one it was given. */
    private T rebuild(long[] choices) {
        return gen.next(Choices.replaying(choices, maxDraws));
    }

    private record Outcome(Throwable failure, long[] consumed) {}

    private PropertyFailure report(String what, long seed, T value, Throwable cause, int steps, String stats) {
        StringBuilder message = new StringBuilder()
                .append("Property '")
                .append(name)
                .append("' failed on ")
                .append(what)
                .append('\n')
                .append("  ")
                .append(rerunHint(seed))
                .append('\n')
                .append("  counterexample: ")
                .append(describe(value))
                .append('\n');
        if (stats != null) message.append("  input size: ").append(stats).append('\n');
        message.append("  cause: ").append(Render.truncate(String.valueOf(cause), RENDER_LIMIT));
        System.err.println(message);
        return new PropertyFailure(message.toString(), cause, name, seed, value, steps);
    }

    private String rerunHint(long seed) {
        return fixedSeed
                ? "seed: " + hex(seed) + " (fixed by .seed() in the test)"
                : "seed: " + hex(seed) + ", rerun with -Dqio.seed=" + hex(seed);
    }

    private String describe(T value) {
        return describer != null ? describer.apply(value) : Render.value(value, RENDER_LIMIT);
    }

    private int triesToRun() {
        return KitConfig.current().tries().orElse(tries);
    }

    private static <T> Throwable run(Body<? super T> body, T value) {
        try {
            body.accept(value);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static boolean stillFails(Throwable failure) {
        return failure != null && !(failure instanceof Discard) && !(failure instanceof TestAbortedException);
    }

    private static void rethrowAbort(Throwable failure) {
        if (failure instanceof TestAbortedException aborted) throw aborted;
    }

    /** Mixes the property name into the run seed, so each property gets its own stream. */
    static long streamSeed(long seed, String name) {
        long hash = 0xcbf29ce484222325L; // FNV-1a: stable across JVMs, unlike identity hashes
        for (int i = 0; i < name.length(); i++) {
            hash = (hash ^ name.charAt(i)) * 0x100000001b3L;
        }
        long z = seed ^ hash;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Parses a run seed: decimal (signed or unsigned) or {@code 0x} hex; see {@link KitConfig#parseSeed}. */
    static long parseSeed(String text) {
        return KitConfig.parseSeed(text);
    }

    static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    /** Holds the run seed, picked on first use so that every property in the JVM shares it. */
    private static final class RunSeed {
        static final long VALUE = KitConfig.current().seed();
    }
}
