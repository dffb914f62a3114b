package dev.qio.cli.kit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.qio.testkit.ChannelFixture;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the conformance kit on one fixture through the JUnit Platform Launcher: points
 * {@link FixtureContract} at the fixture, launches JUnit on that class and collects one
 * {@link Outcome} per test. JUnit is configured by what this class passes, not by files on the
 * module path, and runs the tests one after another.
 */
public final class KitRunner {
    private KitRunner() {}

    /**
     * Runs every kit property against {@code fixture}. What the kit and JUnit print while they run
     * goes to {@code console} instead of the process's standard streams (the kit prints each
     * failure as it happens; the command reports it once, below the matrix).
     *
     * @return one outcome per test, and one per container that failed before its tests could run
     */
    public static synchronized List<Outcome> run(ChannelFixture fixture, PrintStream console) {
        Collector collector = new Collector(fixture.name());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(FixtureContract.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .configurationParameter("junit.platform.output.capture.stdout", "false")
                .configurationParameter("junit.platform.output.capture.stderr", "false")
                .build();
        PrintStream out = System.out;
        PrintStream err = System.err;
        FixtureContract.current = fixture;
        System.setOut(console);
        System.setErr(console);
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, collector);
        } finally {
            System.setOut(out);
            System.setErr(err);
            FixtureContract.current = null;
        }
        return collector.outcomes();
    }

    /** Turns JUnit's events into outcomes. */
    private static final class Collector implements TestExecutionListener {
        private final String fixture;
        private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());

        Collector(String fixture) {
            this.fixture = fixture;
        }

        List<Outcome> outcomes() {
            synchronized (outcomes) {
                return List.copyOf(outcomes);
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            add(id, Outcome.Status.SKIPPED, new org.opentest4j.TestAbortedException(reason));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Outcome.Status status = switch (result.getStatus()) {
                case SUCCESSFUL -> Outcome.Status.PASSED;
                case ABORTED -> Outcome.Status.SKIPPED;
                case FAILED -> Outcome.Status.FAILED;
            };
            // A container counts only when it failed on its own (a factory that threw, a class that
            // could not be made); its tests report for themselves.
            if (id.isTest() || status == Outcome.Status.FAILED) {
                add(id, status, result.getThrowable().orElse(null));
            }
        }

        private void add(TestIdentifier id, Outcome.Status status, Throwable error) {
            String name = id.getDisplayName();
            String property = property(name);
            outcomes.add(new Outcome(fixture, name, property, Families.of(property), status, error));
        }
    }

    /** The property id at the start of a display name: {@code required_eof [mem, ...]}, {@code required_eof()}. */
    static String property(String displayName) {
        int end = displayName.length();
        for (char c : new char[] {' ', '(', '['}) {
            int i = displayName.indexOf(c);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return displayName.substring(0, end);
    }
}
