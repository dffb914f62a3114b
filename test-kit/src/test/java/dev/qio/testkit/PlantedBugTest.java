package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Each planted bug fails the properties meant to catch it with their own assertion: never the
 * kit's timeout, which would mean a thread's failure was lost while another waited. Every
 * behaviour is caught by two properties. {@link SoundPipeConformanceTest} shows that the same
 * properties pass on the channel without the bug.
 */
class PlantedBugTest {
    /** A bug, a property that must catch it (its factory method and id), and words its failure must contain. */
    private record Case(Planted bug, String factory, String property, String expected) {
        @Override
        public String toString() {
            return bug + " fails " + property;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(Planted.OVERCOUNTED_WRITE, "required_partial_io", "required_partial_io", "writev of"),
            new Case(Planted.CLOSE_WAKES_NOBODY, "required_lifecycle_close_wakes_reader",
                    "required_lifecycle_close_wakes_reader", "close did not wake a reader waiting in READ"),
            new Case(Planted.CLOSE_WAKES_NOBODY, "required_lifecycle_close_wakes_any_reader",
                    "required_lifecycle_close_wakes_any_reader", "close did not wake a reader waiting in"));

    @TestFactory
    Stream<DynamicTest> eachPlantedBugFailsItsPropertiesWithTheirOwnAssertion() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Throwable failure = firstFailure(c.bug().fixture(), c.factory(), c.property());
            assertNotNull(failure, c.property() + " passed on " + c.bug());
            String messages = messages(failure);
            assertFalse(messages.contains("did not finish within"), "reported as the kit's timeout: " + messages);
            assertTrue(messages.contains(c.expected()), "expected '" + c.expected() + "' in: " + messages);
        }));
    }

    /** Runs the dynamic tests of {@code factory} named {@code property} and returns the first failure, or null. */
    static Throwable firstFailure(ChannelFixture fixture, String factory, String property) throws Exception {
        ChannelContract contract = new ChannelContract() {
            @Override
            protected ChannelFixture fixture() {
                return fixture;
            }
        };
        Method m = ChannelContract.class.getDeclaredMethod(factory);
        @SuppressWarnings("unchecked")
        Stream<DynamicTest> tests = (Stream<DynamicTest>) m.invoke(contract);
        List<DynamicTest> selected = tests.filter(t -> t.getDisplayName().startsWith(property + " [")).toList();
        assertFalse(selected.isEmpty(), "no test " + property + " in " + factory);
        for (DynamicTest t : selected) {
            try {
                t.getExecutable().execute();
            } catch (TestAbortedException skipped) {
                throw new AssertionError(t.getDisplayName() + " skipped: " + skipped.getMessage(), skipped);
            } catch (Throwable failed) {
                return failed;
            }
        }
        return null;
    }

    /** The messages of {@code t} and its causes, one per line. */
    private static String messages(Throwable t) {
        List<String> all = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.add(c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return String.join("\n", all);
    }
}
