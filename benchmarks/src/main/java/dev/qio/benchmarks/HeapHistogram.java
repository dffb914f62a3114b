package dev.qio.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live heap by class, from the JVM's own class histogram (the {@code GC.class_histogram}
 * diagnostic command, which runs a full GC first): {@link ScaleReport} takes one before and one
 * while idle when run with {@code -Dqio.scale.histogram=true}, and prints what each idle
 * connection holds, class by class, to say where its heap goes.
 */
final class HeapHistogram {
    private final Map<String, long[]> byClass;

    private HeapHistogram(Map<String, long[]> byClass) {
        this.byClass = byClass;
    }

    /** Whether {@code -Dqio.scale.histogram=true} asked for histograms. */
    static boolean wanted() {
        return Boolean.getBoolean("qio.scale.histogram");
    }

    /** The histogram now: instances and bytes per class name. */
    static HeapHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        Map<String, long[]> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return new HeapHistogram(m);
    }

    /** The {@code top} classes that grew most from {@code before} to this one, per connection, as lines. */
    String growthSince(HeapHistogram before, int connections, int top) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
            grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %8.1f B  %6.2f objects  %s%n",
                    (double) e.getValue()[1] / connections,
                    (double) e.getValue()[0] / connections,
                    e.getKey()));
        }
        return b.toString();
    }
}
