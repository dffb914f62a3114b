package dev.qio.testkit.property;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds a value of type {@code T} from {@link Choices}.
 *
 * <p>The contract: a generator must take all its randomness from the choices it is given, so that
 * replaying the same choices rebuilds the same value, and it should map smaller choices to simpler
 * values (choice 0 is the simplest: the smallest number, the shortest collection, the first
 * alternative). Every factory here honours that, which is why the shrinker needs no per-type code.
 * Generators may throw {@link Discard} to reject an attempt.
 *
 * <p>Because this is a functional interface, composing records or tuples needs no combinator:
 * {@code Gen<Point> points = c -> new Point(xs.next(c), ys.next(c));}
 *
 * @param <T> the type of generated values
 */
@FunctionalInterface
public interface Gen<T> {
    /** Returns a value built from {@code choices}. */
    T next(Choices choices);

    /** Returns a generator that applies {@code f} to this generator's values. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        Objects.requireNonNull(f, "f");
        return c -> f.apply(next(c));
    }

    /** Returns a generator that draws a value, then draws from the generator {@code f} picks. */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        Objects.requireNonNull(f, "f");
        return c -> f.apply(next(c)).next(c);
    }

    /**
     * Returns a generator of this generator's values that satisfy {@code accept}. After 50 rejected
     * values in a row it throws {@link Discard}: a sparse filter should become a smarter generator.
     */
    default Gen<T> filter(Predicate<? super T> accept) {
        Objects.requireNonNull(accept, "accept");
        return c -> {
            for (int i = 0; i < 50; i++) {
                T value = next(c);
                if (accept.test(value)) return value;
            }
            throw new Discard("filter rejected 50 values in a row");
        };
    }

    /** Returns a generator that always returns {@code value} and draws nothing. */
    static <T> Gen<T> constant(T value) {
        return c -> value;
    }

    /** Returns a generator of booleans; {@code false} is the simpler value. */
    static Gen<Boolean> booleans() {
        return Choices::drawBoolean;
    }

    /** Returns a generator of ints in {@code [lo, hi]}, shrinking toward the value nearest 0. */
    static Gen<Integer> ints(int lo, int hi) {
        return longs(lo, hi).map(Math::toIntExact);
    }

    /**
     * Returns a generator of longs in {@code [lo, hi]}, shrinking toward the value nearest 0.
     * Fresh values favour the bounds, 0, ±1 and small magnitudes.
     */
    static Gen<Long> longs(long lo, long hi) {
        if (lo > hi) throw new IllegalArgumentException("lo > hi: " + lo + " > " + hi);
        if (lo >= 0) return c -> lo + c.drawAtMost(hi - lo, r -> Bias.edgy(r, hi - lo));
        if (hi < 0) return c -> hi - c.drawAtMost(hi - lo, r -> Bias.edgy(r, hi - lo));
        // The sign comes first, so that shrinking it turns -5 into 5 before shrinking 5 to 0.
        long negatives = -(lo + 1);
        return c -> c.drawBoolean()
                ? -1 - c.drawAtMost(negatives, r -> Bias.edgy(r, negatives))
                : c.drawAtMost(hi, r -> Bias.edgy(r, hi));
    }

    /**
     * Returns a generator of sizes in {@code [0, max]} for counts and lengths: 0, 1, {@code max}
     * and small values come up far more often than a uniform pick would give them.
     */
    static Gen<Integer> sizes(int max) {
        if (max < 0) throw new IllegalArgumentException("max < 0: " + max);
        return c -> (int) c.drawAtMost(max, r -> Bias.edgy(r, max));
    }

    /**
     * Returns a generator of byte arrays whose length is in {@code [minLen, maxLen]}. Bytes shrink
     * toward 0 and arrays toward {@code minLen}, by dropping elements from anywhere.
     */
    static Gen<byte[]> bytes(int minLen, int maxLen) {
        Many.checkBounds(minLen, maxLen);
        return c -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Many many = new Many(c, minLen, maxLen); many.more(); ) {
                out.write((int) c.drawAtMost(255, r -> Bias.edgy(r, 255)));
            }
            return out.toByteArray();
        };
    }

    /**
     * Returns a generator of unmodifiable lists of {@code element} values, with a size in
     * {@code [min, max]}. Lists shrink toward {@code min} by dropping elements from anywhere.
     */
    static <T> Gen<List<T>> listOf(Gen<T> element, int min, int max) {
        Objects.requireNonNull(element, "element");
        Many.checkBounds(min, max);
        return c -> {
            List<T> list = new ArrayList<>();
            for (Many many = new Many(c, min, max); many.more(); ) list.add(element.next(c));
            return Collections.unmodifiableList(list);
        };
    }

    /** Returns a generator that picks one of {@code gens} uniformly; the first is the simplest. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> all = new ArrayList<>();
        for (Gen<? extends T> gen : gens) all.add(Objects.requireNonNull(gen, "gen"));
        if (all.isEmpty()) throw new IllegalArgumentException("no generators");
        return c -> all.get((int) c.draw(all.size())).next(c);
    }

    /** Returns a generator that picks one of {@code values}; the first is the simplest. */
    @SafeVarargs
    static <T> Gen<T> elements(T... values) {
        List<T> all = new ArrayList<>();
        for (T value : values) all.add(value);
        return elements(all);
    }

    /** Returns a generator that picks one of a copy of {@code values}; the first is simplest. */
    static <T> Gen<T> elements(List<? extends T> values) {
        List<T> all = Collections.unmodifiableList(new ArrayList<>(values));
        if (all.isEmpty()) throw new IllegalArgumentException("no values");
        return c -> all.get((int) c.draw(all.size()));
    }

    /**
     * Returns an empty weighted choice; add alternatives with {@link Frequency#add}, as in
     * {@code Gen.<Op>frequency().add(3, writes).add(1, closes)}.
     */
    static <T> Frequency<T> frequency() {
        return new Frequency<>(List.of(), new int[0]);
    }
}
