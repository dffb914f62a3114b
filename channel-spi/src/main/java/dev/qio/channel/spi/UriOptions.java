package dev.qio.channel.spi;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The query options of a channel URI, read with typed getters, so every provider parses and
 * rejects options the same way.
 *
 * <p>Each getter marks its option as known. After reading every option it takes, a provider calls
 * {@link #finish()}, which rejects any option no getter asked for, naming it and listing the known
 * ones: a misspelt option is an error, never silently ignored. A single-valued option given twice
 * is an error too. Values are percent-decoded; {@code +} stays a plus.
 *
 * <p>Works for hierarchical URIs ({@code tcp://h:1?nodelay=true}) and opaque ones
 * ({@code command:cat?arg=-u}, whose query {@link URI#getQuery()} does not see).
 */
public final class UriOptions {
    private final String uriText;
    private final String target;
    /** Option name to its values in order; insertion order keeps error messages stable. */
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final TreeSet<String> known = new TreeSet<>();
    private final List<String> knownPrefixes = new ArrayList<>();

    private UriOptions(URI uri) {
        this.uriText = displayName(uri);
        String rawQuery;
        if (uri.isOpaque()) {
            String ssp = uri.getRawSchemeSpecificPart();
            int q = ssp.indexOf('?');
            target = decode(q < 0 ? ssp : ssp.substring(0, q));
            rawQuery = q < 0 ? null : ssp.substring(q + 1);
        } else {
            target = (uri.getAuthority() == null ? "" : uri.getAuthority()) + (uri.getPath() == null ? "" : uri.getPath());
            rawQuery = uri.getRawQuery();
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
    }

    /** Parses the options of {@code uri}. */
    public static UriOptions of(URI uri) {
        return new UriOptions(uri);
    }

    /**
     * The URI as users wrote it, for names and messages: {@code null:?} (how the registry hands
     * over {@code null:}) shows as {@code null:}.
     */
    public static String displayName(URI uri) {
        String s = uri.toString();
        return s.endsWith("?") ? s.substring(0, s.length() - 1) : s;
    }

    /** The URI, for messages. */
    public String uri() {
        return uriText;
    }

    /**
     * What the URI names before its query: the decoded scheme-specific part of an opaque URI
     * ({@code cat} in {@code command:cat?arg=1}), or authority plus path of a hierarchical one.
     */
    public String target() {
        return target;
    }

    /** A single-valued string option. */
    public Optional<String> string(String name) {
        List<String> v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.size() > 1) {
            throw bad(name, "is given " + v.size() + " times; it takes one value");
        }
        return Optional.of(v.getFirst());
    }

    /** A single-valued string option with a default. */
    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    /** Every value of a repeatable option, in order ({@code arg=a&arg=b}). */
    public List<String> all(String name) {
        List<String> v = take(name);
        return v == null ? List.of() : List.copyOf(v);
    }

    /**
     * Every option whose name starts with {@code prefix} ({@code env.HOME=/x}), keyed by the rest
     * of its name.
     */
    public Map<String, String> prefixed(String prefix) {
        knownPrefixes.add(prefix);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(key.substring(prefix.length()), string(key).orElseThrow());
            }
        }
        return out;
    }

    /** A boolean: {@code true}/{@code false}, {@code on}/{@code off}, {@code yes}/{@code no}, {@code 1}/{@code 0}. */
    public boolean bool(String name, boolean defaultValue) {
        return string(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw bad(name, "'" + v + "' is not a boolean (true or false)");
        }).orElse(defaultValue);
    }

    /** An integer within {@code [min, max]}. */
    public long integer(String name, long defaultValue, long min, long max) {
        return string(name).map(v -> {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw bad(name, "'" + v + "' is not an integer");
            }
            return inRange(name, n, min, max);
        }).orElse(defaultValue);
    }

    /** A byte count within {@code [min, max]}: digits with an optional binary suffix k, m or g. */
    public long bytes(String name, long defaultValue, long min, long max) {
        return string(name).map(v -> {
            String s = v.toLowerCase(Locale.ROOT);
            int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
            long n;
            try {
                n = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw bad(name, "'" + v + "' is not a byte count (for example 65536, 64k or 1m)");
            }
            if (n < 0 || (n << shift) >> shift != n) {
                throw bad(name, "'" + v + "' is out of range");
            }
            return inRange(name, n << shift, min, max);
        }).orElse(defaultValue);
    }

    /** A duration in milliseconds, at least 0. */
    public Duration millis(String name, Duration defaultValue) {
        return string(name).map(v -> Duration.ofMillis(integer(name, 0, 0, Long.MAX_VALUE))).orElse(defaultValue);
    }

    /** An octal number such as a file mode ({@code 0600}), within {@code [0, max]}. */
    public int octal(String name, int defaultValue, int max) {
        return string(name).map(v -> {
            int n;
            try {
                n = Integer.parseInt(v, 8);
            } catch (NumberFormatException e) {
                throw bad(name, "'" + v + "' is not an octal number (for example 0600)");
            }
            return (int) inRange(name, n, 0, max);
        }).orElse(defaultValue);
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _}
     * ({@code stderr=inherit}).
     */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        return string(name).map(v -> {
            for (E e : type.getEnumConstants()) {
                if (spelling(e).equals(v.toLowerCase(Locale.ROOT))) {
                    return e;
                }
            }
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                allowed.add(spelling(e));
            }
            throw bad(name, "'" + v + "' is not one of " + String.join(", ", allowed));
        }).orElse(defaultValue);
    }

    private static String spelling(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Rejects every option that no getter asked for.
     *
     * @throws IllegalArgumentException naming the first unknown option and listing the known ones
     */
    public void finish() {
        for (String key : values.keySet()) {
            if (!known.contains(key)
                    && knownPrefixes.stream().noneMatch(p -> key.startsWith(p) && key.length() > p.length())) {
                List<String> names = new ArrayList<>(known);
                knownPrefixes.forEach(p -> names.add(p + "NAME"));
                throw new IllegalArgumentException(uriText + ": unknown option '" + key + "'; "
                        + (names.isEmpty() ? "this scheme takes no options" : "known options: " + String.join(", ", names)));
            }
        }
    }

    /** An {@link IllegalArgumentException} naming the URI and the option. */
    public IllegalArgumentException bad(String name, String problem) {
        return new IllegalArgumentException(uriText + ": option '" + name + "' " + problem);
    }

    private List<String> take(String name) {
        known.add(name);
        return values.get(name);
    }

    private long inRange(String name, long n, long min, long max) {
        if (n < min || n > max) {
            throw bad(name, n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    private static String decode(String s) {
        // URLDecoder turns '+' into a space (form encoding); URIs keep it a plus.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
