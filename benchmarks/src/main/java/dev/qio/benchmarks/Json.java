package dev.qio.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON to read JMH's result file ({@code -rf json}): objects become
 * {@link LinkedHashMap}s (key order kept), arrays {@link List}s, numbers {@link Double}s, and
 * {@code true}/{@code false}/{@code null} themselves. JMH writes non-finite numbers as the strings
 * {@code "NaN"} and {@code "Infinity"}; {@link #number} reads those too.
 */
final class Json {
    private final String s;
    private int at;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value that makes up the whole of {@code text}. */
    static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.space();
        if (p.at != p.s.length()) {
            throw p.error("trailing text");
        }
        return v;
    }

    /** A number, or one of the strings JMH writes for non-finite numbers; NaN when absent. */
    static double number(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String str) {
            return switch (str) {
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.NaN;
            };
        }
        return Double.NaN;
    }

    /** The member {@code key} of {@code object} (a map), or {@code null}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object object, String key) {
        return object instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> inner ? (Map<String, Object>) inner : null;
    }

    private Object value() {
        space();
        if (at >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(at);
        return switch (c) {
            case '{' -> members();
            case '[' -> elements();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> num();
        };
    }

    private Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        at++; // {
        space();
        if (peek('}')) {
            at++;
            return m;
        }
        while (true) {
            space();
            String key = string();
            space();
            expect(':');
            m.put(key, value());
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> elements() {
        List<Object> l = new ArrayList<>();
        at++; // [
        space();
        if (peek(']')) {
            at++;
            return l;
        }
        while (true) {
            l.add(value());
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (at >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(at++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(at++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> b.append(e); // \" \\ \/
            }
        }
    }

    private Double num() {
        int start = at;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
        if (start == at) {
            throw error("unexpected character '" + s.charAt(at) + "'");
        }
        return Double.valueOf(s.substring(start, at));
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, at)) {
            throw error("expected " + word);
        }
        at += word.length();
        return v;
    }

    private void space() {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
    }

    private boolean peek(char c) {
        return at < s.length() && s.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JMH result file: " + what + " at character " + at);
    }
}
