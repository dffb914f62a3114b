package dev.qio.cli;

import dev.qio.channel.ChannelRegistry;
import dev.qio.cli.kit.Families;
import dev.qio.cli.kit.KitRunner;
import dev.qio.cli.kit.Outcome;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.FixtureSource;
import dev.qio.testkit.KitConfig;
import dev.qio.testkit.property.Property;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qio conformance [SCHEME...]}: the kit against every installed fixture, as a matrix. */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        header = "Run the conformance kit against the installed providers.",
        description = {
            "Run the conformance kit against every installed provider that ships a fixture (or only the"
                    + " fixtures of the SCHEMEs given), through the JUnit Platform, and print a matrix: one row"
                    + " per fixture, one column per property family, each PASS, FAIL or SKIP. A family fails if"
                    + " any of its tests failed, passes if one passed and none failed, and is skipped otherwise."
                    + " Failures, with the seed that reruns them, follow the matrix. Exits 1 if anything failed.",
            "",
            "Fixtures are services (dev.qio.testkit.FixtureSource): a provider on --provider-path that"
                    + " ships one is tested too."
        })
final class ConformanceCommand implements Callable<Integer> {
    @ParentCommand
    QioCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "SCHEME",
            arity = "0..*",
            description = "Only the fixtures named SCHEME or SCHEME-something (file selects file and file-rw).")
    List<String> schemes = new ArrayList<>();

    @Option(
            names = "--tries",
            paramLabel = "N",
            description = "Generated inputs per property; fewer is faster, more finds more.")
    Integer tries;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "Run seed, decimal or 0x hex: reruns a reported failure exactly.")
    String seed;

    @Option(
            names = "--timeout-scale",
            paramLabel = "X",
            description = "Multiply every kit timeout by X, for slow machines.")
    Double timeoutScale;

    @Override
    public Integer call() {
        configureKit();
        Stdio stdio = root.stdio();
        Installed installed = root.installed();
        ChannelRegistry registry = installed.registry();
        List<ChannelFixture> fixtures = new ArrayList<>();
        for (FixtureSource source : installed.fixtureSources()) {
            fixtures.addAll(source.fixtures(registry));
        }
        List<ChannelFixture> selected = select(fixtures);

        List<Outcome> outcomes = runAll(selected, stdio);

        PrintWriter out = spec.commandLine().getOut();
        printMatrix(out, selected, outcomes);
        printFailures(out, outcomes);
        Set<String> untested = untestedSchemes(registry, fixtures);
        if (!untested.isEmpty() && schemes.isEmpty()) {
            out.println("no fixture installed for: " + String.join(", ", untested));
        }
        out.println(Property.seedLabel() + " (rerun: " + rerun() + ")");
        out.println("conformance: " + counts(outcomes));
        out.flush();
        return outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.FAILED) ? Main.FAILURE : 0;
    }

    /**
     * Runs the kit on each fixture in turn, with one progress line per fixture on standard error.
     * What the kit prints goes to standard error only under --verbose.
     */
    private List<Outcome> runAll(List<ChannelFixture> fixtures, Stdio stdio) {
        List<Outcome> outcomes = new ArrayList<>();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        for (ChannelFixture fixture : fixtures) {
            long start = System.nanoTime();
            stdio.err().print("qio: conformance " + fixture.name() + " ...");
            stdio.err().flush();
            List<Outcome> these;
            try (PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
                these = KitRunner.run(fixture, capture);
            } finally {
                closeFixture(fixture);
            }
            outcomes.addAll(these);
            stdio.err().printf(Locale.ROOT, " %s (%.1f s)%n", counts(these), (System.nanoTime() - start) / 1e9);
        }
        if (root.verbose() && console.size() > 0) {
            stdio.err().println("qio: what the kit printed:");
            stdio.err().print(console.toString(StandardCharsets.UTF_8));
        }
        return outcomes;
    }

    /** The command line that reruns this run with the same inputs. */
    private String rerun() {
        StringBuilder cmd = new StringBuilder("qio conformance");
        schemes.forEach(scheme -> cmd.append(' ').append(scheme));
        root.providerPath.forEach(p -> cmd.append(" --provider-path ").append(p));
        if (tries != null) {
            cmd.append(" --tries ").append(tries);
        }
        return cmd.append(" --seed 0x")
                .append(Long.toHexString(KitConfig.current().seed()))
                .toString();
    }

    /** Installs the kit's configuration, from these options, before the kit's first use. */
    private void configureKit() {
        KitConfig config = KitConfig.defaults();
        try {
            if (tries != null) {
                if (tries < 1) {
                    throw new IllegalArgumentException("--tries must be at least 1, not " + tries);
                }
                config = config.withTries(tries);
            }
            if (seed != null) {
                config = config.withSeed(parseSeed(seed));
            }
            if (timeoutScale != null) {
                if (!(timeoutScale > 0) || timeoutScale.isInfinite()) {
                    throw new IllegalArgumentException(
                            "--timeout-scale must be a positive number, not " + timeoutScale);
                }
                config = config.withTimeoutScale(timeoutScale);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        KitConfig.install(config);
    }

    private static long parseSeed(String text) {
        try {
            return KitConfig.parseSeed(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--seed must be a decimal or 0x hex number, not '" + text + "'", e);
        }
    }

    private List<ChannelFixture> select(List<ChannelFixture> fixtures) {
        if (schemes.isEmpty()) {
            if (fixtures.isEmpty()) {
                throw new CommandFailure("no fixtures installed: no module provides dev.qio.testkit.FixtureSource");
            }
            return fixtures;
        }
        List<ChannelFixture> selected = new ArrayList<>();
        for (String scheme : schemes) {
            String s = scheme.toLowerCase(Locale.ROOT);
            List<ChannelFixture> matching = fixtures.stream()
                    .filter(f -> f.name().equalsIgnoreCase(s)
                            || f.name().toLowerCase(Locale.ROOT).startsWith(s + "-"))
                    .toList();
            if (matching.isEmpty()) {
                Set<String> names = new TreeSet<>();
                fixtures.forEach(f -> names.add(f.name()));
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "no fixture for '" + scheme + "'; installed fixtures: "
                                + (names.isEmpty() ? "(none)" : String.join(", ", names)));
            }
            matching.stream().filter(f -> !selected.contains(f)).forEach(selected::add);
        }
        return selected;
    }

    private static void closeFixture(ChannelFixture fixture) {
        if (fixture instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // a temp directory left behind is not a conformance failure
            }
        }
    }

    /** The matrix: one row per fixture, one column per family. */
    private static void printMatrix(PrintWriter out, List<ChannelFixture> fixtures, List<Outcome> outcomes) {
        List<String> families =
                Families.ordered(outcomes.stream().map(Outcome::family).toList());
        List<String> header = new ArrayList<>();
        header.add("FIXTURE");
        header.addAll(families);
        Table table = new Table(header.toArray(String[]::new));
        for (ChannelFixture f : fixtures) {
            List<String> row = new ArrayList<>();
            row.add(f.name());
            for (String family : families) {
                row.add(cell(outcomes.stream()
                        .filter(o -> o.fixture().equals(f.name()) && o.family().equals(family))
                        .toList()));
            }
            table.row(row);
        }
        table.print(out);
    }

    /** FAIL if any failed, PASS if one passed, SKIP if all skipped, - if the family has no test here. */
    static String cell(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return "-";
        }
        if (outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.FAILED)) {
            return "FAIL";
        }
        return outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.PASSED) ? "PASS" : "SKIP";
    }

    private void printFailures(PrintWriter out, List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            boolean failed = o.status() == Outcome.Status.FAILED;
            if (!failed && !(root.verbose() && o.status() == Outcome.Status.SKIPPED)) {
                continue;
            }
            out.println();
            out.println((failed ? "FAIL " : "SKIP ") + o.fixture() + ": " + o.test());
            String message = o.error() == null ? "" : String.valueOf(o.error().getMessage());
            if (failed && o.error() != null) {
                message = o.error().getClass().getName() + (o.error().getMessage() != null ? ": " + message : "");
            }
            message.lines().forEach(line -> out.println("    " + line));
            if (failed && root.verbose() && o.error() != null) {
                o.error().printStackTrace(out);
            }
        }
        if (outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.FAILED)) {
            out.println();
        }
    }

    private static Set<String> untestedSchemes(ChannelRegistry registry, List<ChannelFixture> fixtures) {
        Set<String> untested = new TreeSet<>();
        for (String scheme : registry.schemes()) {
            boolean covered = fixtures.stream()
                    .anyMatch(f -> f.name().equalsIgnoreCase(scheme)
                            || f.name().toLowerCase(Locale.ROOT).startsWith(scheme + "-"));
            if (!covered) {
                untested.add(scheme);
            }
        }
        return untested;
    }

    /** {@code N passed, N failed, N skipped}. */
    static String counts(List<Outcome> outcomes) {
        Map<Outcome.Status, Integer> n = new LinkedHashMap<>();
        for (Outcome.Status s : Outcome.Status.values()) {
            n.put(s, 0);
        }
        outcomes.forEach(o -> n.merge(o.status(), 1, Integer::sum));
        return n.get(Outcome.Status.PASSED) + " passed, " + n.get(Outcome.Status.FAILED) + " failed, "
                + n.get(Outcome.Status.SKIPPED) + " skipped";
    }
}
