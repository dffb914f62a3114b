package dev.qio.benchmarks;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs benchmarks through JMH so that each qio benchmark runs right beside its baselines: for
 * every parameter combination, the qio method and each method its {@link Compare}s name, one after
 * the other, then the next combination. JMH on its own runs every combination of one method before
 * the next method, which put a qio row and its baseline a minute or more apart; on a small virtual
 * machine whose speed drifts over minutes that moved ratios by tens of percent between runs.
 *
 * <p>It measures nothing itself and changes nothing about how JMH measures (forks, iterations,
 * profilers all come from the options given); it only orders the runs and writes every result
 * into one JMH JSON file for {@link Report}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.qio.benchmarks.Pairs RESULT.json BENCHMARK... [-- JMH-OPTION...]},
 * where each BENCHMARK is a full method name ({@code dev.qio.benchmarks.PingPong.qio}) as JMH's
 * {@code -l} lists them. Progress goes to stderr, JMH's own output to stdout.
 */
public final class Pairs {
    private Pairs() {}

    /** Runs the groups and writes the results. */
    public static void main(String[] args) throws Exception {
        int dashes = List.of(args).indexOf("--");
        List<String> names = List.of(args).subList(1, dashes < 0 ? args.length : dashes);
        String[] jmhArgs = dashes < 0
                ? new String[0]
                : List.of(args).subList(dashes + 1, args.length).toArray(String[]::new);
        if (args.length == 0 || names.isEmpty()) {
            System.err.println("usage: Pairs RESULT.json BENCHMARK... [-- JMH-OPTION...]");
            System.exit(2);
        }
        CommandLineOptions options = new CommandLineOptions(jmhArgs);
        List<Group> groups = groups(names);
        List<RunResult> results = new ArrayList<>();
        int total = groups.stream().mapToInt(g -> g.combinations().size()).sum();
        int done = 0;
        for (Group g : groups) {
            for (Map<String, String> params : g.combinations()) {
                done++;
                System.err.printf(
                        "  [%d/%d] %s %s%s%n",
                        done,
                        total,
                        g.className().substring(g.className().lastIndexOf('.') + 1),
                        String.join(", ", g.methods()),
                        params.isEmpty() ? "" : " " + params);
                ChainedOptionsBuilder b = new OptionsBuilder().parent(options);
                for (String m : g.methods()) {
                    b.include("^" + Pattern.quote(g.className() + "." + m) + "$");
                }
                params.forEach((k, v) -> b.param(k, v));
                warmupFloor(b, options, Class.forName(g.className()));
                Collection<RunResult> run = new Runner(b.build()).run();
                results.addAll(run);
            }
        }
        ResultFormatFactory.getInstance(ResultFormatType.JSON, args[0]).writeOut(results);
    }

    /**
     * A class's JMH {@link Warmup} annotation as a floor under the profile's warm-up: JMH lets a
     * command line override annotations, so the short profile's one second would cut short a
     * benchmark that needs longer (TLS: the JIT takes the cipher's intrinsics seconds in).
     */
    private static void warmupFloor(ChainedOptionsBuilder b, CommandLineOptions options, Class<?> c) {
        Warmup floor = c.getAnnotation(Warmup.class);
        if (floor == null) {
            return;
        }
        if (floor.iterations() > options.getWarmupIterations().orElse(0)) {
            b.warmupIterations(floor.iterations());
        }
        TimeValue time = new TimeValue(floor.time(), floor.timeUnit());
        if (floor.time() > 0
                && options.getWarmupTime().orElse(TimeValue.NONE).convertTo(TimeUnit.MILLISECONDS)
                        < time.convertTo(TimeUnit.MILLISECONDS)) {
            b.warmupTime(time);
        }
    }

    /** Methods of one class to run together, and every combination of their parameters. */
    private record Group(String className, List<String> methods, List<Map<String, String>> combinations) {}

    /**
     * Groups the named benchmarks: a method with {@link Compare}s together with its baselines
     * (those that were named too), every other method alone. A group's combinations are the
     * product of the {@link Param} values of its methods' state classes, in declaration order.
     */
    static List<Group> groups(List<String> names) throws ClassNotFoundException {
        Map<String, Set<String>> byClass = new LinkedHashMap<>();
        for (String n : names) {
            int dot = n.lastIndexOf('.');
            byClass.computeIfAbsent(n.substring(0, dot), k -> new LinkedHashSet<>())
                    .add(n.substring(dot + 1));
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : byClass.entrySet()) {
            Class<?> c = Class.forName(e.getKey());
            Set<String> left = new LinkedHashSet<>(e.getValue());
            for (String m : e.getValue()) {
                Method method = method(c, m);
                Compare[] compares = method == null ? new Compare[0] : method.getAnnotationsByType(Compare.class);
                if (compares.length == 0 || !left.contains(m)) {
                    continue;
                }
                List<String> members = new ArrayList<>(List.of(m));
                for (Compare cmp : compares) {
                    if (left.contains(cmp.baseline()) && !members.contains(cmp.baseline())) {
                        members.add(cmp.baseline());
                    }
                }
                left.removeAll(members);
                groups.add(new Group(e.getKey(), members, combinations(c, members)));
            }
            for (String m : left) {
                groups.add(new Group(e.getKey(), List.of(m), combinations(c, List.of(m))));
            }
        }
        return groups;
    }

    private static Method method(Class<?> c, String name) {
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** Every combination of the {@link Param} fields of the methods' parameter (state) classes. */
    private static List<Map<String, String>> combinations(Class<?> c, List<String> methods) {
        Map<String, String[]> values = new LinkedHashMap<>();
        for (String name : methods) {
            Method m = method(c, name);
            for (Class<?> state : m.getParameterTypes()) {
                for (Class<?> k = state; k != null && k != Object.class; k = k.getSuperclass()) {
                    for (Field f : k.getDeclaredFields()) {
                        Param p = f.getAnnotation(Param.class);
                        if (p != null) {
                            values.putIfAbsent(f.getName(), p.value());
                        }
                    }
                }
            }
        }
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, String[]> e : values.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }
}
