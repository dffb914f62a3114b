package dev.qio.testkit.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A generator that picks one of several alternatives in proportion to their weights.
 *
 * <p>Weights only shape fresh inputs: when shrinking, the first alternative added is the simplest,
 * whatever its weight, so add the most basic case first. Instances are immutable; {@link #add}
 * returns a new one. Picking from an empty instance throws {@link IllegalStateException}.
 *
 * @param <T> the type of generated values
 */
public final class Frequency<T> implements Gen<T> {
    private final List<Gen<? extends T>> gens;
    private final int[] weights;
    private final long total;

    Frequency(List<Gen<? extends T>> gens, int[] weights) {
        this.gens = gens;
        this.weights = weights;
        this.total = Arrays.stream(weights).asLongStream().sum();
    }

    /** Returns a copy of this choice with {@code gen} added at weight {@code weight >= 1}. */
    public Frequency<T> add(int weight, Gen<? extends T> gen) {
        if (weight < 1) throw new IllegalArgumentException("weight < 1: " + weight);
        List<Gen<? extends T>> moreGens = new ArrayList<>(gens);
        moreGens.add(Objects.requireNonNull(gen, "gen"));
        int[] moreWeights = Arrays.copyOf(weights, weights.length + 1);
        moreWeights[weights.length] = weight;
        return new Frequency<>(List.copyOf(moreGens), moreWeights);
    }

    @Override
    public T next(Choices choices) {
        if (gens.isEmpty()) throw new IllegalStateException("no alternatives added");
        long index = choices.drawAtMost(gens.size() - 1, r -> Bias.weighted(r, weights, total));
        return gens.get((int) index).next(choices);
    }
}
