package dev.qio.channel.spi;

import dev.qio.channel.Feature;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The unmodifiable feature sets channels hand out, one per combination of features and shared by
 * every channel that has it, so that a channel keeps its features as bits and no set of its own.
 */
final class FeatureSets {
    private static final Feature[] ALL = Feature.values();
    /**
     * Indexed by the bits; filled on first use. A racing fill makes an equal set twice, which is
     * harmless: the sets are immutable and safely published through their final fields.
     */
    private static final Set<?>[] BY_BITS = new Set<?>[1 << ALL.length];

    private FeatureSets() {}

    /** The set of the features whose ordinals are the one bits of {@code bits}. */
    @SuppressWarnings("unchecked")
    static Set<Feature> of(int bits) {
        Set<Feature> s = (Set<Feature>) BY_BITS[bits];
        if (s == null) {
            EnumSet<Feature> e = EnumSet.noneOf(Feature.class);
            for (Feature f : ALL) {
                if ((bits & (1 << f.ordinal())) != 0) {
                    e.add(f);
                }
            }
            s = Collections.unmodifiableSet(e);
            BY_BITS[bits] = s;
        }
        return s;
    }
}
