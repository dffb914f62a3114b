package dev.qio.channel.spi;

import dev.qio.channel.Feature;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A provider's schemes and the features each can have: what {@code ChannelProvider.schemes()} and
 * {@code features(scheme)} answer, and the scheme check every provider makes before it reads a
 * URI, written once. Immutable; scheme names are lower case and matched in any case.
 */
public final class SchemeTable {
    private final Map<String, Set<Feature>> features;

    private SchemeTable(Map<String, Set<Feature>> features) {
        this.features = features;
    }

    /**
     * A table of {@code features} by scheme.
     *
     * @param features each scheme (lower case) to the features its channels can have
     * @throws IllegalArgumentException if a scheme is not in lower case
     */
    public static SchemeTable of(Map<String, Set<Feature>> features) {
        Map.Entry<String, Set<Feature>>[] entries = features.entrySet().toArray(Map.Entry[]::new);
        for (int i = 0; i < entries.length; i++) {
            String s = entries[i].getKey();
            if (!s.equals(s.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("scheme '" + s + "' must be in lower case");
            }
            entries[i] = Map.entry(s, Set.copyOf(entries[i].getValue()));
        }
        return new SchemeTable(Map.ofEntries(entries));
    }

    /** A table whose every scheme has the same {@code features}. */
    public static SchemeTable of(Set<String> schemes, Set<Feature> features) {
        Map.Entry<String, Set<Feature>>[] entries =
                schemes.stream().map(s -> Map.entry(s, features)).toArray(Map.Entry[]::new);
        return of(Map.ofEntries(entries));
    }

    /** The schemes, lower case. */
    public Set<String> schemes() {
        return features.keySet();
    }

    /**
     * The features channels of {@code scheme} can have.
     *
     * @throws IllegalArgumentException as {@link #require}
     */
    public Set<Feature> features(String scheme) {
        return features.get(require(scheme));
    }

    /**
     * {@code scheme} in lower case.
     *
     * @param scheme a scheme as given (any case), or null
     * @throws IllegalArgumentException if {@code scheme} is null or not in the table; the message
     *     quotes it and lists the table's schemes in order
     */
    public String require(String scheme) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (!features.containsKey(s)) {
            throw new IllegalArgumentException(
                    "scheme '" + scheme + "' is not one of " + new TreeSet<>(features.keySet()));
        }
        return s;
    }
}
