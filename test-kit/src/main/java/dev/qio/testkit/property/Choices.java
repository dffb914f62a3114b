package dev.qio.testkit.property;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * The only source of randomness a {@link Gen} may use: a sequence of non-negative choices.
 *
 * <p>A generating instance draws each choice from a {@link RandomGenerator}; a replaying instance
 * takes them from a fixed {@code long[]}. Both record the choices actually returned, so any value
 * a generator builds can be rebuilt, and simplified, by replaying an edited sequence. That is the
 * whole shrinking story: generators are written so that a smaller choice means a simpler value, and
 * the {@link Shrinker} only ever edits sequences.
 *
 * <p>When replaying, a choice larger than asked for is clamped to the largest allowed value, and a
 * sequence that runs out yields zeros, so a shorter or smaller sequence always describes a simpler
 * value. Each instance allows at most {@code maxDraws} draws; the next one throws {@link Discard},
 * which invalidates the attempt instead of letting a runaway generator loop forever.
 *
 * <p>Instances are single-use and not thread-safe.
 */
public final class Choices {
    private final RandomGenerator random;
    private final long[] replay;
    private final int maxDraws;
    private long[] recorded = new long[16];
    private int size;

    private Choices(RandomGenerator random, long[] replay, int maxDraws) {
        if (maxDraws < 0) throw new IllegalArgumentException("maxDraws < 0: " + maxDraws);
        this.random = random;
        this.replay = replay;
        this.maxDraws = maxDraws;
    }

    /** Returns choices drawn from {@code random}, allowing at most {@code maxDraws} draws. */
    public static Choices generating(RandomGenerator random, int maxDraws) {
        return new Choices(Objects.requireNonNull(random, "random"), null, maxDraws);
    }

    /** Returns choices replayed from {@code sequence} (copied), then zeros once it runs out. */
    public static Choices replaying(long[] sequence, int maxDraws) {
        return new Choices(null, sequence.clone(), maxDraws);
    }

    /** Returns a choice in {@code [0, bound)}, uniform when generating; {@code bound >= 1}. */
    public long draw(long bound) {
        if (bound < 1) throw new IllegalArgumentException("bound < 1: " + bound);
        return drawAtMost(bound - 1);
    }

    /** Returns a choice in {@code [0, max]}, uniform when generating. Requires {@code max >= 0}. */
    public long drawAtMost(long max) {
        return drawAtMost(max, r -> Bias.uniform(r, max));
    }

    /**
     * Returns a choice in {@code [0, max]} that, when generating, follows {@code distribution}.
     *
     * <p>The distribution only shapes what fresh inputs look like (say, favouring edge values); it
     * never affects replay, so it cannot break shrinking. Results outside {@code [0, max]} are
     * clamped.
     */
    public long drawAtMost(long max, ToLongFunction<RandomGenerator> distribution) {
        if (max < 0) throw new IllegalArgumentException("max < 0: " + max);
        if (size >= maxDraws) throw new Discard("overrun: more than " + maxDraws + " draws");
        long raw;
        if (random != null) {
            raw = distribution.applyAsLong(random);
        } else {
            raw = size < replay.length ? replay[size] : 0L;
        }
        long choice = Math.clamp(raw, 0L, max);
        record(choice);
        return choice;
    }

    /** Returns a boolean; {@code false} is the simpler value. */
    public boolean drawBoolean() {
        return draw(2) == 1;
    }

    /** Returns a copy of the choices returned so far, in order. */
    public long[] recorded() {
        return Arrays.copyOf(recorded, size);
    }

    /** Returns how many choices have been drawn. */
    public int size() {
        return size;
    }

    private void record(long choice) {
        if (size == recorded.length) recorded = Arrays.copyOf(recorded, size * 2);
        recorded[size++] = choice;
    }
}
