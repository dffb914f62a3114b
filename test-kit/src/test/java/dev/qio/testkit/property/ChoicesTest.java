package dev.qio.testkit.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChoicesTest {
    @Test
    void replayClampsOversizedChoicesAndRecordsWhatItReturned() {
        Choices choices = Choices.replaying(new long[] {7, 1_000, -3}, 100);
        assertEquals(7, choices.draw(10));
        assertEquals(9, choices.draw(10));
        assertEquals(0, choices.draw(10));
        assertArrayEquals(new long[] {7, 9, 0}, choices.recorded());
    }

    @Test
    void replayYieldsZerosOnceTheSequenceRunsOut() {
        Choices choices = Choices.replaying(new long[] {3}, 100);
        assertEquals(3, choices.draw(5));
        assertEquals(0, choices.draw(5));
        assertEquals(0, choices.drawAtMost(Long.MAX_VALUE));
        assertEquals(3, choices.size());
    }

    @Test
    void drawingPastTheLimitDiscardsTheAttempt() {
        Choices choices = Choices.generating(new SplittableRandom(1), 3);
        for (int i = 0; i < 3; i++) choices.draw(2);
        Discard overrun = assertThrows(Discard.class, () -> choices.draw(2));
        assertTrue(overrun.getMessage().contains("overrun"), overrun.getMessage());
    }

    @Test
    void generatingRespectsBoundsEvenAtTheExtremes() {
        Choices choices = Choices.generating(new SplittableRandom(2), 100_000);
        for (int i = 0; i < 10_000; i++) {
            long bounded = choices.draw(3);
            assertTrue(bounded >= 0 && bounded < 3, "draw(3) gave " + bounded);
            assertTrue(choices.drawAtMost(Long.MAX_VALUE) >= 0);
            long biased = choices.drawAtMost(5, r -> 1_000);
            assertEquals(5, biased, "out-of-range distribution results are clamped");
        }
    }

    @Test
    void rejectsBoundsBelowOne() {
        Choices choices = Choices.replaying(new long[0], 10);
        assertThrows(IllegalArgumentException.class, () -> choices.draw(0));
        assertThrows(IllegalArgumentException.class, () -> choices.drawAtMost(-1));
    }
}
