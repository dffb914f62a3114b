package dev.qio.benchmarks;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints the one table of {@code benchmarks/run}, as Markdown, from JMH's JSON result files.
 *
 * <p>It measures nothing itself: it pairs results. Every benchmark method annotated
 * {@link Compare} gives one row per parameter combination JMH ran: its score, the score of the
 * named baseline method of the same class with the same parameters from the same files, their
 * ratio and whether the ratio meets the target. Every method annotated {@link AllocationFree}
 * gives a row with its time per operation and the bytes it allocated per operation (JMH's
 * {@code gc.alloc.rate.norm}, present when that run used {@code -prof gc}), whose target is 0.
 * So a new row needs no change here: a benchmark class with the annotations on its methods.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.qio.benchmarks.Report RESULT.json...}
 */
public final class Report {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    /** At or above this many bytes per operation an allocation row falls short: it does not round to 0. */
    private static final double ALLOCATION_LIMIT = 0.5;

    private Report() {}

    /** One JMH result: a benchmark method with one combination of parameters. */
    private record Result(
            String className,
            String method,
            Map<String, String> params,
            double score,
            double error,
            String unit,
            double allocatedPerOp,
            JsonNode json) {}

    /** One table row, already formatted, with the key it sorts by. */
    private record Row(int order, int seen, List<String> cells) {}

    /** Reads the result files named by {@code args} and prints the table on stdout. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report RESULT.json...   (JMH results written with -rf json)");
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        for (String a : args) {
            results.addAll(read(Path.of(a)));
        }
        System.out.print(table(results));
    }

    /** JMH's result file, read as a tree: a library's parser, not ours (docs/DESIGN.md, "Benchmarks"). */
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static List<Result> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + ": not a JMH JSON result (no top-level array)");
        }
        List<Result> out = new ArrayList<>();
        for (JsonNode r : root) {
            String benchmark = r.path("benchmark").asString();
            int dot = benchmark.lastIndexOf('.');
            Map<String, String> params = new LinkedHashMap<>();
            r.path("params")
                    .properties()
                    .forEach(e -> params.put(e.getKey(), e.getValue().asString()));
            JsonNode primary = r.path("primaryMetric");
            double alloc = Double.NaN;
            for (Map.Entry<String, JsonNode> e : r.path("secondaryMetrics").properties()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) { // older JMH prefixes a middle dot
                    alloc = number(e.getValue().path("score"));
                }
            }
            out.add(new Result(
                    benchmark.substring(0, dot),
                    benchmark.substring(dot + 1),
                    params,
                    number(primary.path("score")),
                    number(primary.path("scoreError")),
                    primary.path("scoreUnit").asString(),
                    alloc,
                    r));
        }
        return out;
    }

    /** A number, or one of the strings JMH writes for non-finite numbers ("NaN", "Infinity"); NaN when absent. */
    static double number(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return switch (v.isString() ? v.asString() : "") {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    /** The table for {@code results}: the run's settings, then one Markdown table. */
    static String table(List<Result> results) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            Method m = method(r);
            if (m == null) {
                continue;
            }
            for (Compare c : m.getAnnotationsByType(Compare.class)) {
                rows.add(compareRow(c, r, find(results, r, c.baseline()), i));
            }
            AllocationFree a = m.getAnnotation(AllocationFree.class);
            if (a != null) {
                rows.add(allocationRow(a, r, i));
            }
        }
        rows.sort(Comparator.comparingInt(Row::order).thenComparingInt(Row::seen));
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("qio path", "qio", "baseline", "baseline score", "unit", "ratio", "target", "result"));
        rows.forEach(row -> cells.add(row.cells()));
        StringBuilder out = new StringBuilder();
        if (!results.isEmpty()) {
            out.append(settings(results.getFirst().json())).append("\n\n");
        }
        out.append(markdown(cells, new boolean[] {false, true, false, true, false, true, false, false}));
        out.append(
                "\n± is JMH's 99.9% confidence interval as a share of the score (for a ratio: both scores' combined); "
                        + "\"within noise\": short of the target, but not by more than that interval. MB/s are 10^6 bytes per second.\n");
        return out.toString();
    }

    private static Row compareRow(Compare c, Result qio, Result base, int seen) {
        double bytes =
                c.bytesPerOp().isEmpty() ? 1 : Double.parseDouble(qio.params().get(c.bytesPerOp()));
        String unit = c.bytesPerOp().isEmpty() ? qio.unit() : "MB/s";
        double scale = c.bytesPerOp().isEmpty() ? 1 : bytes / 1e6;
        String qioScore = score(qio.score() * scale, qio.error() * scale);
        String label = fill(c.path(), qio.params());
        String baseLabel = fill(c.baselineLabel(), qio.params());
        boolean hasTarget = !Double.isNaN(c.target());
        String target = hasTarget ? "≥ " + ratio(c.target()) : "—";
        if (base == null) {
            return new Row(
                    c.order(), seen, List.of(label, qioScore, baseLabel, "not run", unit, "—", target, "no baseline"));
        }
        double ratio = qio.score() / base.score();
        double spread = ratioSpread(qio, base);
        String result;
        if (!hasTarget) {
            result = "info";
        } else if (ratio >= c.target()) {
            result = "pass";
        } else {
            result = ratio * (1 + spread) >= c.target() ? "short, within noise" : "short";
        }
        String shown = ratio(ratio)
                + (Double.isNaN(spread) ? "" : String.format(Locale.ROOT, " ±%.0f%%", Math.ceil(100 * spread)));
        return new Row(
                c.order(),
                seen,
                List.of(
                        label,
                        qioScore,
                        baseLabel,
                        score(base.score() * scale, base.error() * scale),
                        unit,
                        shown,
                        target,
                        result));
    }

    /**
     * The ratio's relative uncertainty: both scores' relative confidence half-widths combined as
     * independent errors. NaN when JMH could not give one (a single iteration).
     */
    private static double ratioSpread(Result a, Result b) {
        double ea = a.error() / a.score();
        double eb = b.error() / b.score();
        return Math.sqrt(ea * ea + eb * eb);
    }

    private static Row allocationRow(AllocationFree a, Result r, int seen) {
        String result;
        String ratio;
        if (Double.isNaN(r.allocatedPerOp())) {
            ratio = "—";
            result = "not measured (needs -prof gc)";
        } else {
            ratio = String.format(Locale.ROOT, "%.3f B/op", r.allocatedPerOp());
            result = r.allocatedPerOp() < ALLOCATION_LIMIT ? "pass" : "short";
        }
        return new Row(
                a.order(),
                seen,
                List.of(
                        fill(a.path(), r.params()),
                        score(r.score(), r.error()),
                        "—",
                        "—",
                        r.unit(),
                        ratio,
                        "0 B/op",
                        result));
    }

    /** The benchmark method a result came from, or {@code null} if this jar does not have it. */
    private static Method method(Result r) {
        try {
            Class<?> c = Class.forName(r.className());
            for (Method m : c.getMethods()) {
                if (m.getName().equals(r.method())) {
                    return m;
                }
            }
        } catch (ClassNotFoundException e) {
            // a result file from another jar: no annotations, no row
        }
        return null;
    }

    /** The result of method {@code name} of {@code r}'s class with exactly {@code r}'s parameters. */
    private static Result find(List<Result> results, Result r, String name) {
        for (Result o : results) {
            if (o.className().equals(r.className())
                    && o.method().equals(name)
                    && Objects.equals(o.params(), r.params())) {
                return o;
            }
        }
        return null;
    }

    /** Replaces each {@code {param}} in {@code template} with its value, sizes in KiB or MiB. */
    static String fill(String template, Map<String, String> params) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = params.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v == null ? m.group() : size(v)));
        }
        return m.appendTail(b).toString();
    }

    private static String size(String v) {
        try {
            long n = Long.parseLong(v);
            if (n >= 1 << 20 && n % (1 << 20) == 0) {
                return (n >> 20) + " MiB";
            }
            if (n >= 1 << 10 && n % (1 << 10) == 0) {
                return (n >> 10) + " KiB";
            }
        } catch (NumberFormatException notANumber) {
            // a word such as "blocking": shown as it is
        }
        return v;
    }

    private static String score(double score, double error) {
        String s = number(score);
        if (Double.isNaN(error) || score == 0) {
            return s;
        }
        return s + " ±" + String.format(Locale.ROOT, "%.0f%%", Math.ceil(100 * error / Math.abs(score)));
    }

    private static String number(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    /** One line: JMH and JDK versions and the profile the results were measured with. */
    private static String settings(JsonNode r) {
        return String.format(
                Locale.ROOT,
                "JMH %s, JDK %s (%s %s); per benchmark: forks %s, warm-up %s × %s, measured %s × %s",
                r.path("jmhVersion").asString(),
                r.path("jdkVersion").asString(),
                r.path("vmName").asString(),
                r.path("vmVersion").asString(),
                r.path("forks").asString(),
                r.path("warmupIterations").asString(),
                r.path("warmupTime").asString(),
                r.path("measurementIterations").asString(),
                r.path("measurementTime").asString());
    }

    /** A Markdown table with padded columns, so it reads as well in a terminal as rendered. */
    private static String markdown(List<List<String>> rows, boolean[] right) {
        int[] w = new int[rows.getFirst().size()];
        for (List<String> row : rows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], Math.max(3, row.get(i).length()));
            }
        }
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            line(b, rows.get(r), w, right);
            if (r == 0) {
                b.append('|');
                for (int i = 0; i < w.length; i++) {
                    b.append(' ')
                            .append("-".repeat(w[i] - (right[i] ? 1 : 0)))
                            .append(right[i] ? ":" : "")
                            .append(" |");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] w, boolean[] right) {
        b.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(w[i] - c.length());
            b.append(' ').append(right[i] ? pad + c : c + pad).append(" |");
        }
        b.append('\n');
    }
}
