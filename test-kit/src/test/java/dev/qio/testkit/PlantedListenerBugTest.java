package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.testkit.PlantedListener.Bug;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each listener bug fails the {@link ListenerContract} check meant to catch it with a message that
 * names the check and says what went wrong: never the check's timeout.
 * {@link SoundPipeListenerContractTest} shows the whole contract passing without a bug.
 */
class PlantedListenerBugTest {
    private record Case(Bug bug, String property, String expected) {
        @Override
        public String toString() {
            return bug + " fails " + property;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(Bug.ON_ACCEPT_NEVER_FIRES, "required_on_accept", "client 0 of 3 was not handed over"),
            new Case(Bug.LOCAL_URI_PORT_ZERO, "required_listener_new", "localUri() still says port 0"),
            new Case(
                    Bug.CLOSE_WAKES_NO_ACCEPT, "required_close_wakes_accept", "close() waking a blocked accept within"),
            new Case(
                    Bug.CLOSE_KEEPS_ADDRESS,
                    "required_close_releases_the_address",
                    "qio-kit-connect should have failed"));

    @TestFactory
    Stream<DynamicTest> eachPlantedListenerBugFailsItsCheck() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(Case c) throws Throwable {
        Throwable control = firstFailure(Bug.SOUND, c.property());
        if (control != null) {
            throw new AssertionError(c.property() + " fails without a planted bug too", control);
        }
        Throwable failure = firstFailure(c.bug(), c.property());
        assertNotNull(failure, c.property() + " passed on " + c.bug());
        String message = String.valueOf(failure.getMessage());
        assertFalse(message.contains("did not finish within"), "reported as the check's timeout: " + message);
        assertTrue(message.startsWith(c.property() + " ["), "the failure does not name the check: " + message);
        assertTrue(message.contains(c.expected()), "expected '" + c.expected() + "' in: " + message);
    }

    /** Runs every variant of the check {@code property} over listeners with {@code bug}; the first failure, or null. */
    private static Throwable firstFailure(Bug bug, String property) throws Exception {
        List<PipeListener> made = new CopyOnWriteArrayList<>();
        ListenerContract contract = new ListenerContract() {
            @Override
            protected ListenerFixture fixture() {
                return bug.fixture(made);
            }
        };
        Method m = ListenerContract.class.getDeclaredMethod(property);
        @SuppressWarnings("unchecked")
        Stream<DynamicTest> tests = (Stream<DynamicTest>) m.invoke(contract);
        try {
            return PlantedBugTest.firstFailure(tests.toList());
        } finally {
            for (PipeListener l : made) {
                l.close(); // a thread a planted bug left in accept() wakes and ends
            }
        }
    }
}
