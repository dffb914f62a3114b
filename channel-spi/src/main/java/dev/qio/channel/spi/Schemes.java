package dev.qio.channel.spi;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The scheme check every provider makes before it reads a URI, written once. */
public final class Schemes {
    private Schemes() {}

    /**
     * {@code scheme} in lower case, which is how {@code schemes} spells its members.
     *
     * @param schemes the provider's schemes, in lower case
     * @param scheme a scheme as given (any case), or null
     * @return the scheme, lower case
     * @throws IllegalArgumentException if {@code scheme} is null or not one of {@code schemes}; the
     *     message quotes it and lists them in order
     */
    public static String require(Set<String> schemes, String scheme) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (!schemes.contains(s)) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not one of " + new TreeSet<>(schemes));
        }
        return s;
    }
}
