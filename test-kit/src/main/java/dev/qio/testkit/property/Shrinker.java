package dev.qio.testkit.property;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a failing choice sequence into a simpler one that still fails.
 *
 * <p>Sequences are ordered by length, then lexicographically ({@link #compare}); a candidate is
 * adopted only if it is strictly smaller, so shrinking always terminates. Each round runs these
 * passes, and rounds repeat until none improves or the budget (re-runs and wall-clock time) runs
 * out: delete blocks of choices, zero blocks, lower single choices by binary search toward 0,
 * move value between nearby choices (swap them, or shift an earlier one into a later one), and
 * swap neighbouring blocks.
 *
 * <p>It knows nothing about types: it works because generators map smaller choices to simpler
 * values (see {@link Gen}). Instances are immutable and reusable.
 */
public final class Shrinker {
    /** Re-runs the property on a candidate sequence. */
    @FunctionalInterface
    public interface Replay {
        /**
         * Returns the choices actually consumed when {@code candidate} still makes the property
         * fail, or null when it passes, is discarded or overruns.
         */
        long[] failingChoices(long[] candidate);
    }

    /**
     * What shrinking found: the simplest failing {@code choices}, reached by adopting {@code steps}
     * candidates out of {@code runs} re-runs; {@code exhausted} if the budget cut it short.
     */
    public record Result(long[] choices, int steps, int runs, boolean exhausted) {}

    private static final int[] SMALL_BLOCKS = {8, 4, 3, 2, 1};
    private static final int[] ZERO_BLOCKS = {8, 4, 2};
    private static final int REACH = 4;

    private final int maxRuns;
    private final long maxNanos;

    /** Creates a shrinker that re-runs at most {@code maxRuns} times and for {@code maxTime}. */
    public Shrinker(int maxRuns, Duration maxTime) {
        if (maxRuns < 0) throw new IllegalArgumentException("maxRuns < 0: " + maxRuns);
        if (maxTime.isNegative()) throw new IllegalArgumentException("maxTime < 0: " + maxTime);
        this.maxRuns = maxRuns;
        // Beyond a year the cap means "no cap", and toNanos() would overflow for very long ones.
        this.maxNanos = maxTime.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : maxTime.toNanos();
    }

    /** Orders sequences by length, then lexicographically: the smaller one is the simpler. */
    public static int compare(long[] a, long[] b) {
        if (a.length != b.length) return Integer.compare(a.length, b.length);
        return Arrays.compare(a, b);
    }

    /** Returns the simplest failing sequence found, starting from the failing {@code failing}. */
    public Result shrink(long[] failing, Replay replay) {
        return new Session(failing.clone(), Objects.requireNonNull(replay, "replay")).run();
    }

    /**
     * Returns a 64-bit hash of a sequence. Tried candidates are remembered by fingerprint only, as
     * keeping thousands of copies of a long sequence could exhaust the heap; a collision merely
     * skips one candidate.
     */
    private static long fingerprint(long[] choices) {
        long hash = choices.length;
        for (long choice : choices) {
            hash = (hash ^ choice) * 0x9e3779b97f4a7c15L;
            hash ^= hash >>> 29;
        }
        return hash;
    }

    private final class Session {
        private final Replay replay;
        private final Set<Long> tried = new HashSet<>();
        private final long startNanos = System.nanoTime();
        private long[] current;
        private int steps;
        private int runs;

        Session(long[] failing, Replay replay) {
            this.current = failing;
            this.replay = replay;
        }

        Result run() {
            boolean improved = true;
            while (improved && !exhausted()) {
                improved = deleteBlocks();
                improved |= zeroBlocks();
                improved |= lowerValues();
                improved |= moveValues();
                improved |= swapBlocks();
            }
            return new Result(current, steps, runs, exhausted());
        }

        private boolean exhausted() {
            return runs >= maxRuns || System.nanoTime() - startNanos >= maxNanos;
        }

        /** Re-runs a candidate and adopts what it consumed if that still fails and is simpler. */
        private boolean consider(long[] candidate) {
            if (exhausted() || compare(candidate, current) >= 0) return false;
            if (!tried.add(fingerprint(candidate))) return false;
            runs++;
            long[] consumed = replay.failingChoices(candidate);
            if (consumed == null || compare(consumed, current) >= 0) return false;
            current = consumed;
            steps++;
            return true;
        }

        private boolean deleteBlocks() {
            boolean improved = false;
            for (int size : deletionSizes(current.length)) {
                // Big blocks step by their size so a huge input costs few runs; small ones slide.
                int stride = size > 8 ? size : 1;
                for (int i = 0; i + size <= current.length && !exhausted(); ) {
                    long[] candidate = new long[current.length - size];
                    System.arraycopy(current, 0, candidate, 0, i);
                    System.arraycopy(current, i + size, candidate, i, candidate.length - i);
                    if (consider(candidate)) improved = true;
                    else i += stride;
                }
            }
            return improved;
        }

        private static List<Integer> deletionSizes(int length) {
            List<Integer> sizes = new ArrayList<>();
            for (int size = Integer.highestOneBit(Math.max(length, 1)); size > 8; size /= 2) {
                sizes.add(size);
            }
            for (int size : SMALL_BLOCKS) sizes.add(size);
            return sizes;
        }

        private boolean zeroBlocks() {
            boolean improved = false;
            for (int size : ZERO_BLOCKS) {
                for (int i = 0; i + size <= current.length && !exhausted(); i++) {
                    long[] candidate = current.clone();
                    Arrays.fill(candidate, i, i + size, 0L);
                    improved |= consider(candidate);
                }
            }
            return improved;
        }

        private boolean lowerValues() {
            boolean improved = false;
            for (int i = 0; i < current.length && !exhausted(); i++) {
                if (current[i] == 0) continue;
                if (consider(with(i, 0))) {
                    improved = true;
                    continue;
                }
                // Binary search between a passing value (lo) and a failing one (hi).
                long lo = 0;
                long hi = current[i];
                while (hi - lo > 1 && i < current.length && !exhausted()) {
                    long mid = lo + (hi - lo) / 2;
                    if (consider(with(i, mid))) {
                        hi = mid;
                        improved = true;
                    } else {
                        lo = mid;
                    }
                }
            }
            return improved;
        }

        private boolean moveValues() {
            boolean improved = false;
            for (int i = 0; i < current.length && !exhausted(); i++) {
                for (int j = i + 1; j <= i + REACH && j < current.length && !exhausted(); j++) {
                    long a = current[i];
                    long b = current[j];
                    if (a == 0) break;
                    if (a > b && consider(with(j, a, i, b))) {
                        improved = true;
                    } else if (consider(with(i, 0, j, saturatedAdd(b, a)))) {
                        improved = true;
                    } else {
                        improved |= consider(with(i, a - a / 2, j, saturatedAdd(b, a / 2)));
                    }
                }
            }
            return improved;
        }

        /** Swaps neighbouring blocks, so elements of a collection can settle into order. */
        private boolean swapBlocks() {
            boolean improved = false;
            for (int i = 0; i < current.length && !exhausted(); i++) {
                for (int a = 1; a <= REACH; a++) {
                    for (int b = 1; b <= REACH && i + a + b <= current.length; b++) {
                        long[] candidate = current.clone();
                        System.arraycopy(current, i + a, candidate, i, b);
                        System.arraycopy(current, i, candidate, i + b, a);
                        improved |= consider(candidate);
                    }
                }
            }
            return improved;
        }

        private long[] with(int i, long value) {
            long[] copy = current.clone();
            copy[i] = value;
            return copy;
        }

        private long[] with(int i, long iValue, int j, long jValue) {
            long[] copy = with(i, iValue);
            copy[j] = jValue;
            return copy;
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }
}
