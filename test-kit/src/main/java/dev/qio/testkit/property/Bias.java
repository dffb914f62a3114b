package dev.qio.testkit.property;

import java.util.random.RandomGenerator;

/**
 * Generate-time distributions. Bugs live at the edges, so fresh inputs favour 0, 1, the maximum
 * and small values over a plain uniform pick; replay ignores all of this.
 */
final class Bias {
    private static final long SMALL = 16;

    private Bias() {}

    /** Returns a value in {@code [0, max]} that is often 0, 1, {@code max} or small. */
    static long edgy(RandomGenerator random, long max) {
        int roll = random.nextInt(20);
        if (roll < 2) return 0;
        if (roll < 3) return Math.min(1, max);
        if (roll < 5) return max;
        if (roll < 11) return random.nextLong(Math.min(max, SMALL) + 1);
        return uniform(random, max);
    }

    /** Returns a uniform value in {@code [0, max]}, including {@code max == Long.MAX_VALUE}. */
    static long uniform(RandomGenerator random, long max) {
        return max == Long.MAX_VALUE ? random.nextLong() >>> 1 : random.nextLong(max + 1);
    }

    /** Returns an index in {@code [0, weights.length)} picked in proportion to the weights. */
    static long weighted(RandomGenerator random, int[] weights, long total) {
        long ticket = random.nextLong(total);
        for (int i = 0; i < weights.length; i++) {
            ticket -= weights[i];
            if (ticket < 0) return i;
        }
        throw new AssertionError("weights do not add up to " + total);
    }
}
