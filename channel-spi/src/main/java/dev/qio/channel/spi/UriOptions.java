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
 * <p>An empty value ({@code hostname=}, or a bare {@code hostname}) is an error naming the
 * option, unless the provider said with {@link #allowEmpty} that the option takes one (an empty
 * argument, say): left to a later layer, an empty value fails far from its cause, or silently
 * means the default. Numbers are ASCII digits only: {@code capacity=５} (a fullwidth digit, which
 * {@link Long#parseLong} would take) is refused.
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
    /** Options whose value may be empty ({@link #allowEmpty}). */
    private final TreeSet<String> emptyAllowed = new TreeSet<>();

    private UriOptions(URI uri) {
        this.uriText = displayName(uri);
        String rawQuery;
        if (uri.isOpaque()) {
            String ssp = uri.getRawSchemeSpecificPart();
            int q = ssp.indexOf('?');
            target = decode(q < 0 ? ssp : ssp.substring(0, q));
            rawQuery = q < 0 ? null : ssp.substring(q + 1);
        } else {
            target = (uri.getAuthority() == null ? "" : uri.getAuthority())
                    + (uri.getPath() == null ? "" : uri.getPath());
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

    /**
     * Lets {@code name}'s value be empty ({@code arg=} for an empty argument); call it before the
     * getter. Without it, every getter refuses an empty value.
     *
     * @return this, to chain
     */
    public UriOptions allowEmpty(String name) {
        emptyAllowed.add(name);
        return this;
    }

    /**
     * A single-valued string option.
     *
     * @throws IllegalArgumentException if it is given twice, or empty without {@link #allowEmpty}
     */
    public Optional<String> string(String name) {
        Optional<String> v = single(name);
        v.ifPresent(value -> notEmpty(name, value));
        return v;
    }

    private Optional<String> single(String name) {
        List<String> v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.size() > 1) {
            throw bad(name, "is given " + v.size() + " times; it takes one value");
        }
        return Optional.of(v.getFirst());
    }

    private void notEmpty(String name, String value) {
        if (value.isEmpty() && !emptyAllowed.contains(name)) {
            throw bad(name, "has an empty value; give one, or leave the option out for its default");
        }
    }

    /** A single-valued string option with a default. */
    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    /**
     * Every value of a repeatable option, in order ({@code arg=a&arg=b}).
     *
     * @throws IllegalArgumentException if one is empty without {@link #allowEmpty}
     */
    public List<String> all(String name) {
        List<String> v = take(name);
        if (v == null) {
            return List.of();
        }
        v.forEach(value -> notEmpty(name, value));
        return List.copyOf(v);
    }

    /**
     * Every option whose name starts with {@code prefix} ({@code env.HOME=/x}), keyed by the rest
     * of its name. Values may be empty ({@code env.EMPTY=} sets an empty variable).
     */
    public Map<String, String> prefixed(String prefix) {
        knownPrefixes.add(prefix);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(key.substring(prefix.length()), single(key).orElseThrow());
            }
        }
        return out;
    }

    /** A boolean: {@code true}/{@code false}, {@code on}/{@code off}, {@code yes}/{@code no}, {@code 1}/{@code 0}. */
    public boolean bool(String name, boolean defaultValue) {
        return string(name)
                .map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "yes", "1" -> true;
                    case "false", "off", "no", "0" -> false;
                    default -> throw bad(name, "'" + v + "' is not a boolean (true or false)");
                })
                .orElse(defaultValue);
    }

    /** An integer within {@code [min, max]}: ASCII digits, with a {@code -} before them if negative. */
    public long integer(String name, long defaultValue, long min, long max) {
        return string(name)
                .map(v -> {
                    long n;
                    try {
                        n = Long.parseLong(ascii(v.startsWith("-") ? 1 : 0, v, 10));
                    } catch (NumberFormatException e) {
                        throw bad(name, "'" + v + "' is not an integer (ASCII digits)");
                    }
                    return inRange(name, n, min, max);
                })
                .orElse(defaultValue);
    }

    /** A byte count within {@code [min, max]}: ASCII digits with an optional binary suffix k, m or g. */
    public long bytes(String name, long defaultValue, long min, long max) {
        return string(name)
                .map(v -> {
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
                        n = Long.parseLong(ascii(0, digits, 10));
                    } catch (NumberFormatException e) {
                        throw bad(name, "'" + v + "' is not a byte count (for example 65536, 64k or 1m)");
                    }
                    if (n < 0 || (n << shift) >> shift != n) {
                        throw bad(name, "'" + v + "' is out of range");
                    }
                    return inRange(name, n << shift, min, max);
                })
                .orElse(defaultValue);
    }

    /** A duration in milliseconds, at least 0. */
    public Duration millis(String name, Duration defaultValue) {
        return string(name)
                .map(v -> Duration.ofMillis(integer(name, 0, 0, Long.MAX_VALUE)))
                .orElse(defaultValue);
    }

    /** An octal number such as a file mode ({@code 0600}), within {@code [0, max]}. */
    public int octal(String name, int defaultValue, int max) {
        return string(name)
                .map(v -> {
                    int n;
                    try {
                        n = Integer.parseInt(ascii(0, v, 8), 8);
                    } catch (NumberFormatException e) {
                        throw bad(name, "'" + v + "' is not an octal number (for example 0600)");
                    }
                    return (int) inRange(name, n, 0, max);
                })
                .orElse(defaultValue);
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _}
     * ({@code stderr=inherit}).
     */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        return string(name)
                .map(v -> {
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
                })
                .orElse(defaultValue);
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
                        + (names.isEmpty()
                                ? "this scheme takes no options"
                                : "known options: " + String.join(", ", names)));
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

    /**
     * {@code s}, if every character from {@code from} on is an ASCII digit of {@code radix} and
     * there is at least one: {@link Long#parseLong} also takes other scripts' digits and a
     * {@code +}.
     *
     * @throws NumberFormatException otherwise
     */
    private static String ascii(int from, String s, int radix) {
        if (s.length() <= from) {
            throw new NumberFormatException(s);
        }
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c >= '0' + radix) {
                throw new NumberFormatException(s);
            }
        }
        return s;
    }

    private static String decode(String s) {
        // URLDecoder turns '+' into a space (form encoding); URIs keep it a plus.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
