package dev.qio.testkit.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GenTest {
    /** Replays the empty sequence: every choice is 0, which must give the simplest value. */
    private static <T> T simplest(Gen<T> gen) {
        return gen.next(Choices.replaying(new long[0], 1_000));
    }

    private static <T> List<T> sample(Gen<T> gen, long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<T> values = new ArrayList<>();
        for (int i = 0; i < count; i++) values.add(gen.next(Choices.generating(random, 10_000)));
        return values;
    }

    @Test
    void zeroChoicesGiveTheSimplestValues() {
        assertEquals(0, simplest(Gen.ints(-5, 5)));
        assertEquals(3, simplest(Gen.ints(3, 9)));
        assertEquals(-3, simplest(Gen.ints(-9, -3)));
        assertEquals(0L, simplest(Gen.longs(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(false, simplest(Gen.booleans()));
        assertEquals(0, simplest(Gen.sizes(50)));
        assertArrayEquals(new byte[2], simplest(Gen.bytes(2, 5)));
        assertEquals(List.of(0, 0), simplest(Gen.listOf(Gen.ints(-1, 1), 2, 9)));
        assertEquals("a", simplest(Gen.oneOf(Gen.constant("a"), Gen.constant("b"))));
        assertEquals("x", simplest(Gen.elements("x", "y")));
        assertEquals(
                "rare",
                simplest(Gen.<String>frequency().add(1, Gen.constant("rare")).add(99, Gen.constant("common"))));
    }

    @Test
    void negativeIntsShrinkThroughTheirPositiveMirror() {
        assertEquals(-5, Gen.ints(-9, 9).next(Choices.replaying(new long[] {1, 4}, 10)));
        assertEquals(4, Gen.ints(-9, 9).next(Choices.replaying(new long[] {0, 4}, 10)));
    }

    @Test
    void generatorsRespectTheirBounds() {
        record Sample(int i, long l, int size, byte[] bytes, List<Integer> list, String pick) {}
        Gen<Sample> gen = c -> new Sample(
                Gen.ints(-7, 12).next(c),
                Gen.longs(Long.MIN_VALUE, -10).next(c),
                Gen.sizes(20).next(c),
                Gen.bytes(3, 6).next(c),
                Gen.listOf(Gen.ints(100, 200), 1, 4).next(c),
                Gen.elements(List.of("p", "q", "r")).next(c));
        Set<Integer> ints = new HashSet<>();
        Set<Integer> sizes = new HashSet<>();
        Property.forAll(gen).named("bounds").seed(11).tries(2_000).check(s -> {
            assertTrue(s.i() >= -7 && s.i() <= 12, "int " + s.i());
            assertTrue(s.l() <= -10, "long " + s.l());
            assertTrue(s.size() >= 0 && s.size() <= 20, "size " + s.size());
            assertTrue(s.bytes().length >= 3 && s.bytes().length <= 6, "bytes " + s.bytes().length);
            assertTrue(s.list().size() >= 1 && s.list().size() <= 4, "list " + s.list());
            s.list().forEach(x -> assertTrue(x >= 100 && x <= 200, "element " + x));
            assertTrue(Set.of("p", "q", "r").contains(s.pick()));
            ints.add(s.i());
            sizes.add(s.size());
        });
        assertEquals(20, ints.size(), "every int in [-7, 12] comes up in 2,000 draws");
        assertEquals(21, sizes.size(), "every size in [0, 20] comes up in 2,000 draws");
    }

    @Test
    void sizesFavourEdgesOverAUniformPick() {
        List<Integer> values = sample(Gen.sizes(1_000), 5, 10_000);
        long edges = values.stream().filter(v -> v == 0 || v == 1 || v == 1_000).count();
        long small = values.stream().filter(v -> v <= 16).count();
        // A uniform pick would give about 30 edges and 170 small values.
        assertTrue(edges > 1_000, "edges: " + edges);
        assertTrue(small > 3_000, "small: " + small);
    }

    @Test
    void frequencyFollowsTheWeights() {
        Gen<String> gen = Gen.<String>frequency().add(1, Gen.constant("a")).add(9, Gen.constant("b"));
        long as = sample(gen, 3, 10_000).stream().filter("a"::equals).count();
        assertTrue(as > 800 && as < 1_200, "a came up " + as + " times");
    }

    @Test
    void sameSeedSameValuesOtherSeedOtherValues() {
        Gen<List<Integer>> gen = Gen.listOf(Gen.ints(-1_000, 1_000), 0, 20);
        assertEquals(sample(gen, 42, 50), sample(gen, 42, 50));
        assertNotEquals(sample(gen, 42, 50), sample(gen, 43, 50));
    }

    @Test
    void combinatorsComposeAndReplay() {
        Gen<String> gen = Gen.ints(1, 5)
                .flatMap(n -> Gen.listOf(Gen.ints(0, 9), n, n))
                .filter(list -> list.getFirst() != 3)
                .map(List::toString);
        Choices first = Choices.generating(new SplittableRandom(9), 1_000);
        String value = gen.next(first);
        assertEquals(value, gen.next(Choices.replaying(first.recorded(), 1_000)));
    }

    @Test
    void filterGivesUpWithADiscard() {
        Gen<Integer> never = Gen.ints(0, 10).filter(x -> x > 10);
        Choices choices = Choices.generating(new SplittableRandom(1), 1_000);
        assertThrows(Discard.class, () -> never.next(choices));
    }

    @Test
    void rejectsBadBounds() {
        assertThrows(IllegalArgumentException.class, () -> Gen.ints(2, 1));
        assertThrows(IllegalArgumentException.class, () -> Gen.bytes(3, 2));
        assertThrows(IllegalArgumentException.class, () -> Gen.listOf(Gen.booleans(), -1, 2));
        assertThrows(IllegalArgumentException.class, () -> Gen.sizes(-1));
        assertThrows(IllegalArgumentException.class, Gen::oneOf);
        assertThrows(IllegalStateException.class, () -> simplest(Gen.frequency()));
    }
}
