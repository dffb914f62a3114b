package dev.qio.testkit.property;

/**
 * Decides, element by element, whether a collection gets another element.
 *
 * <p>Each optional element is preceded by a "more?" choice where 0 means stop. Encoding the length
 * this way, rather than as a prefix, lets the shrinker drop an element from the middle by deleting
 * one block of choices, and cut the tail by zeroing a single one. When generating, a target length
 * is picked once from {@link Bias#edgy} so lengths favour the minimum, the maximum and small sizes.
 */
final class Many {
    private final Choices choices;
    private final int min;
    private final int max;
    private int count;
    private long target = -1;

    Many(Choices choices, int min, int max) {
        checkBounds(min, max);
        this.choices = choices;
        this.min = min;
        this.max = max;
    }

    /** Throws unless {@code 0 <= min <= max}. */
    static void checkBounds(int min, int max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ", " + max);
        }
    }

    /** Returns true if the caller should generate one more element. */
    boolean more() {
        if (count < min) {
            count++;
            return true;
        }
        if (count == max) return false;
        boolean more = choices.drawAtMost(1, random -> {
                    if (target < 0) target = min + Bias.edgy(random, max - min);
                    return count < target ? 1 : 0;
                })
                == 1;
        if (more) count++;
        return more;
    }
}
