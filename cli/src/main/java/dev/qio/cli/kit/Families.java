package dev.qio.cli.kit;

import dev.qio.channel.Feature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The property families, the columns of the conformance matrix. A property id is
 * {@code required_<area>_...}, {@code optional_<FEATURE>_...} or {@code untested_<...>}; its family
 * is the feature for optional and untested ones ({@code optional_SHUTDOWN_half_close} is
 * {@code SHUTDOWN}), else the area ({@code required_watch_out_on_room} is {@code watch}). A few
 * areas are named by more than their first word ({@code partial_io}) or belong to a neighbour
 * ({@code sink_discards} and {@code known_source} are end-of-stream properties, so {@code eof}). Ids of later kits fall back
 * to their first word, so a new property shows up in a column of its own rather than nowhere.
 */
public final class Families {
    private Families() {}

    /** Areas whose name has more than one word. */
    private static final List<String> LONG_AREAS = List.of("partial_io");
    /** Areas counted in another family. */
    private static final Map<String, String> ALIASES = Map.of("sink", "eof", "known", "eof");
    /** The column order: the kit's sections, then the features in their enum order. */
    private static final List<String> ORDER;

    static {
        List<String> order =
                new ArrayList<>(List.of("roundtrip", "partial_io", "eof", "errblock", "watch", "lifecycle", "model"));
        for (Feature f : Feature.values()) {
            order.add(f.name());
        }
        ORDER = List.copyOf(order);
    }

    /** The family of a property id; the id itself if it follows none of the naming rules. */
    public static String of(String property) {
        String rest = null;
        for (String prefix : List.of("required_", "optional_", "untested_")) {
            if (property.startsWith(prefix)) {
                rest = property.substring(prefix.length());
            }
        }
        if (rest == null || rest.isEmpty()) {
            return property;
        }
        for (Feature f : Feature.values()) {
            if (rest.equals(f.name()) || rest.startsWith(f.name() + "_")) {
                return f.name();
            }
        }
        for (String area : LONG_AREAS) {
            if (rest.equals(area) || rest.startsWith(area + "_")) {
                return area;
            }
        }
        int underscore = rest.indexOf('_');
        String first = underscore < 0 ? rest : rest.substring(0, underscore);
        return ALIASES.getOrDefault(first, first);
    }

    /** {@code families} in column order: the known ones first, in their order, then the rest sorted. */
    public static List<String> ordered(Collection<String> families) {
        Comparator<String> known = Comparator.comparingInt(f -> ORDER.contains(f) ? ORDER.indexOf(f) : ORDER.size());
        return families.stream()
                .distinct()
                .sorted(known.thenComparing(Comparator.naturalOrder()))
                .toList();
    }
}
