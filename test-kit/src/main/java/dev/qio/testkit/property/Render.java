package dev.qio.testkit.property;

import java.lang.reflect.Array;
import java.util.Collection;

/**
 * Renders generated values for failure reports: arrays element by element, nested in collections
 * too, and cut off near a length limit so a megabyte input cannot swamp the report. It stops
 * walking once past the limit, so huge values are cheap to render.
 */
final class Render {
    private final StringBuilder out = new StringBuilder();
    private final int limit;

    private Render(int limit) {
        this.limit = limit;
    }

    /** Returns {@code value} rendered in at most about {@code limit} characters. */
    static String value(Object value, int limit) {
        Render render = new Render(limit);
        render.append(value);
        return truncate(render.out.toString(), limit);
    }

    /** Returns {@code text}, cut at {@code limit} characters with a note saying it was cut. */
    static String truncate(String text, int limit) {
        if (text.length() <= limit) return text;
        return text.substring(0, limit) + "… (truncated)";
    }

    private void append(Object value) {
        if (out.length() > limit) return;
        if (value != null && value.getClass().isArray()) {
            int length = Array.getLength(value);
            out.append("[");
            for (int i = 0; i < length && out.length() <= limit; i++) {
                if (i > 0) out.append(", ");
                append(Array.get(value, i));
            }
            out.append("]");
        } else if (value instanceof Collection<?> collection) {
            out.append("[");
            String separator = "";
            for (Object element : collection) {
                if (out.length() > limit) break;
                out.append(separator);
                append(element);
                separator = ", ";
            }
            out.append("]");
        } else if (value instanceof String s) {
            out.append('"').append(s).append('"');
        } else {
            out.append(value);
        }
    }
}
