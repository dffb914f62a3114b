package dev.qio.testkit.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShrinkerTest {
    private static final Shrinker SHRINKER = new Shrinker(2_000, Duration.ofSeconds(30));

    @Test
    void ordersByLengthThenLexicographically() {
        assertTrue(Shrinker.compare(new long[] {9}, new long[] {0, 0}) < 0);
        assertTrue(Shrinker.compare(new long[] {1, 2}, new long[] {1, 3}) < 0);
        assertEquals(0, Shrinker.compare(new long[] {4}, new long[] {4}));
    }

    @Test
    void shrinksARawSequenceToTheMinimum() {
        long[] start = {5, 300, 2, 0, 77, 41};
        Shrinker.Result result = SHRINKER.shrink(start, c -> Arrays.stream(c).sum() >= 100 ? c.clone() : null);
        assertArrayEquals(new long[] {100}, result.choices());
        assertTrue(result.steps() > 0);
    }

    @Test
    void keepsTheStartWhenNothingSimplerFails() {
        long[] start = {0, 3};
        Shrinker.Result result = SHRINKER.shrink(start, c -> Arrays.equals(c, start) ? c.clone() : null);
        assertArrayEquals(start, result.choices());
        assertEquals(0, result.steps());
    }

    @Test
    void adoptsOnlyWhatTheReplayConsumed() {
        // The "generator" reads one choice: anything after it is dropped at the first success.
        Shrinker.Result result =
                SHRINKER.shrink(new long[] {9, 9, 9, 9}, c -> c.length > 0 && c[0] >= 5 ? new long[] {c[0]} : null);
        assertArrayEquals(new long[] {5}, result.choices());
    }

    @Test
    void stopsWhenTheRunBudgetIsSpent() {
        int[] runs = {0};
        Shrinker.Result result = new Shrinker(7, Duration.ofSeconds(30)).shrink(new long[] {1L << 40}, c -> {
            runs[0]++;
            // Fails for any positive value, so the binary search alone needs 40 runs.
            return c.length > 0 && c[0] > 0 ? new long[] {c[0]} : null;
        });
        assertEquals(7, runs[0]);
        assertEquals(7, result.runs());
    }

    @Test
    void stopsWhenTheTimeBudgetIsSpent() {
        Shrinker.Result result = new Shrinker(1_000_000, Duration.ZERO).shrink(new long[] {1, 2, 3}, long[]::clone);
        assertEquals(0, result.runs());
        assertArrayEquals(new long[] {1, 2, 3}, result.choices());
    }
}
