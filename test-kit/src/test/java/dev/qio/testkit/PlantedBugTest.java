package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
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
    /**
     * A bug, a property that must catch it (its factory method and id), and words its failure must
     * contain; alternatives are separated by {@code |}, for a property whose threads can each see
     * the bug first (the writer's own check or the reader's). {@code control} is the same channel
     * without the bug, on which the property must pass.
     */
    private record Case(Planted bug, String factory, String property, String expected, Planted control) {
        Case(Planted bug, String factory, String property, String expected) {
            this(bug, factory, property, expected, Planted.SOUND);
        }

        @Override
        public String toString() {
            return bug + " fails " + property;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(Planted.OVERCOUNTED_WRITE, "required_partial_io", "required_partial_io", "writev of"),
            new Case(
                    Planted.CLOSE_WAKES_NOBODY,
                    "required_lifecycle_close_wakes_reader",
                    "required_lifecycle_close_wakes_reader",
                    "close did not wake a reader waiting in READ"),
            new Case(
                    Planted.CLOSE_WAKES_NOBODY,
                    "required_lifecycle_close_wakes_any_reader",
                    "required_lifecycle_close_wakes_any_reader",
                    "close did not wake a reader waiting in"),
            new Case(
                    Planted.SHUTDOWN_BOTH_READS_ONLY,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_both",
                    "a write after shutdown(BOTH) must fail"),
            new Case(
                    Planted.SHUTDOWN_WRITE_IGNORED,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_both",
                    "a write after shutdown(BOTH) must fail"),
            new Case(
                    Planted.SHUTDOWN_WRITE_IGNORED,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_half_close",
                    "a write after shutdown(WRITE) must fail|expected EOF after the last byte"),
            new Case(
                    Planted.SHUTDOWN_WRITE_IGNORED,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_write_eof_nonblocking",
                    "the EOF that shutdown(WRITE) sends did not return within"),
            new Case(
                    Planted.SHUTDOWN_READ_WAKES_NOBODY,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_read_wakes_reader",
                    "shutdown(READ) did not wake a reader waiting in READ"),
            new Case(
                    Planted.SHUTDOWN_READ_WAKES_NOBODY,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_read_wakes_any_reader",
                    "shutdown(READ) did not wake a reader waiting in"),
            new Case(
                    Planted.SHUTDOWN_READ_WAKES_NOBODY,
                    "optional_SHUTDOWN",
                    "optional_SHUTDOWN_both",
                    "shutdown(BOTH) did not wake a reader waiting in"),
            new Case(
                    Planted.CORRUPTS_EVERY_8_MIB,
                    "required_roundtrip_long_stream",
                    "required_roundtrip_long_stream",
                    "byte 8388608 of 67108864 differs"),
            new Case(
                    Planted.EMPTY_BLOCKING_READ_WAITS,
                    "required_partial_io_empty_iov",
                    "required_partial_io_empty_iov",
                    "a blocking READV of an empty iov [0] (pending 0, finished false, full false) did not return within"),
            new Case(
                    Planted.EMPTY_BLOCKING_WRITE_WAITS,
                    "required_partial_io_empty_iov",
                    "required_partial_io_empty_iov",
                    "a blocking WRITEV of an empty iov [0] (pending 0, finished false, full true) did not return within"),
            new Case(
                    Planted.EMPTY_NONBLOCKING_WRITE_BLOCKS,
                    "required_partial_io_empty_iov",
                    "required_partial_io_empty_iov",
                    "an empty iov must give 0"),
            new Case(
                    Planted.NONBLOCKING_READ_STALLS,
                    "required_errblock_returns_promptly",
                    "required_errblock_returns_promptly",
                    "a non-blocking read(ByteBuffer) did not return within"),
            new Case(
                    Planted.NONBLOCKING_WRITE_STALLS,
                    "required_errblock_returns_promptly",
                    "required_errblock_returns_promptly",
                    "the non-blocking writes filling the writer (calls returned) stayed at"),
            new Case(
                    Planted.SERIALISED_DIRECTIONS,
                    "optional_CONCURRENT_IO",
                    "optional_CONCURRENT_IO_past_buffering",
                    "no progress: the bytes read in both directions stayed at"),
            new Case(
                    Planted.ZERO_COPY_HELD_PAST_FLUSH,
                    "optional_WRITE_ZERO_COPY",
                    "optional_WRITE_ZERO_COPY_delivery",
                    "a zero-copy write's only after flush returned",
                    Planted.ZERO_COPY_SOUND),
            new Case(
                    Planted.ZERO_COPY_HELD_PAST_FLUSH,
                    "optional_WRITE_ZERO_COPY",
                    "optional_WRITE_ZERO_COPY_flush_idle",
                    "overwritten after flush returned",
                    Planted.ZERO_COPY_SOUND));

    /**
     * Each case runs its property on the sound pipe (it must pass) and on the planted one (it must
     * fail with the expected words, never the timeout). Most cases spend their time waiting out the
     * kit's liveness bound, so all of them start at once, each on its own thread, and each test
     * reports its own: the run takes about as long as the slowest case.
     */
    @TestFactory
    Stream<DynamicTest> eachPlantedBugFailsItsPropertiesWithTheirOwnAssertion() {
        List<Background<Void>> runs = CASES.stream()
                .map(c -> Background.<Void>start("planted " + c, () -> {
                    check(c);
                    return null;
                }))
                .toList();
        return IntStream.range(0, CASES.size())
                .mapToObj(i -> DynamicTest.dynamicTest(CASES.get(i).toString(), () -> {
                    runs.get(i).awaitEnd(Kit.timeout(Duration.ofMinutes(5)), CASES.get(i) + " ended");
                    runs.get(i).result();
                }));
    }

    private static void check(Case c) throws Exception {
        Throwable control = firstFailure(c.control().fixture(), c.factory(), c.property());
        if (control != null) {
            throw new AssertionError(c.property() + " fails without a planted bug too", control);
        }
        Throwable failure = firstFailure(c.bug().fixture(), c.factory(), c.property());
        assertNotNull(failure, c.property() + " passed on " + c.bug());
        String messages = messages(failure);
        assertFalse(messages.contains("did not finish within"), "reported as the kit's timeout: " + messages);
        assertTrue(
                java.util.Arrays.stream(c.expected().split("\\|")).anyMatch(messages::contains),
                "expected '" + c.expected() + "' in: " + messages);
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
        List<DynamicTest> selected = tests.filter(t -> t.getDisplayName().startsWith(property + " ["))
                .toList();
        assertFalse(selected.isEmpty(), "no test " + property + " in " + factory);
        return firstFailure(selected);
    }

    /** Runs {@code tests} in order and returns the first failure, or null; a skip is a failure here. */
    static Throwable firstFailure(List<DynamicTest> tests) {
        for (DynamicTest t : tests) {
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
