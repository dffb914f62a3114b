package dev.qio.testkit.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

class PropertyTest {
    private static final Gen<List<Integer>> INT_LISTS = Gen.listOf(Gen.ints(0, 1_000), 0, 30);

    @BeforeEach
    void triesAreNotOverridden() {
        assumeTrue(System.getProperty("qio.tries") == null, "qio.tries changes the try counts");
    }

    private static PropertyFailure failure(Runnable check) {
        return assertThrows(PropertyFailure.class, check::run);
    }

    private static int sum(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void aTruePropertyRunsExactlyTheRequestedTries() {
        AtomicInteger runs = new AtomicInteger();
        Property.forAll(INT_LISTS).named("holds").tries(37).check(list -> runs.incrementAndGet());
        assertEquals(37, runs.get());
    }

    @Test
    void discardedInputsDoNotCountAsTries() {
        AtomicInteger kept = new AtomicInteger();
        Property.forAll(Gen.ints(0, 9)).named("assume").seed(1).tries(40).check(x -> {
            Property.assume(x % 2 == 0);
            kept.incrementAndGet();
        });
        assertEquals(40, kept.get());
    }

    @Test
    void givesUpLoudlyWhenEveryInputIsDiscarded() {
        AssertionError error = assertThrows(
                AssertionError.class,
                () -> Property.forAll(Gen.ints(0, 9).filter(x -> x > 9))
                        .named("hopeless")
                        .seed(1)
                        .check(x -> {}));
        assertTrue(error.getMessage().contains("gave up"), error.getMessage());
    }

    @Test
    void aFalseSumPropertyShrinksToASingleHundred() {
        PropertyFailure failure = failure(() -> Property.forAll(INT_LISTS)
                .named("sum")
                .seed(7)
                .check(list -> assertTrue(sum(list) < 100, "sum " + sum(list))));
        assertEquals(List.of(100), failure.counterexample());
        assertTrue(failure.shrinkSteps() > 0);
        String cause = failure.getCause().getMessage();
        assertTrue(cause.contains("sum 100"), cause);
    }

    @Test
    void boundedElementsShrinkToTheFewestLargest() {
        // No single element reaches 100, so the minimum is the two-element list [50, 50].
        Gen<List<Integer>> small = Gen.listOf(Gen.ints(0, 50), 0, 40);
        for (long s = 0; s < 5; s++) {
            long seed = s;
            PropertyFailure failure = failure(
                    () -> Property.forAll(small).named("sum50").seed(seed).check(list -> assertTrue(sum(list) < 100)));
            assertEquals(List.of(50, 50), failure.counterexample(), "seed " + seed);
        }
    }

    @Test
    void aSevenAfterIndexThreeShrinksToFourBytes() {
        for (long s = 0; s < 5; s++) {
            long seed = s;
            PropertyFailure failure = failure(() -> Property.forAll(Gen.bytes(0, 64))
                    .named("no_late_seven")
                    .seed(seed)
                    .check(bytes -> {
                        for (int i = 3; i < bytes.length; i++) assertNotEquals(7, bytes[i]);
                    }));
            assertArrayEquals(new byte[] {0, 0, 0, 7}, (byte[]) failure.counterexample(), "seed " + seed);
        }
    }

    @Test
    void shrinksCompositeInputsWithoutATypeSpecificShrinker() {
        record Op(String name, int size) {}
        Gen<Op> ops = Gen.<Op>frequency()
                .add(1, Gen.constant(new Op("close", 0)))
                .add(5, Gen.ints(0, 4096).map(n -> new Op("write", n)));
        PropertyFailure failure = failure(() -> Property.forAll(Gen.listOf(ops, 0, 20))
                .named("ops")
                .seed(3)
                .check(list -> assertTrue(list.stream().mapToInt(Op::size).sum() < 1_000 || list.size() < 3)));
        assertEquals(List.of(new Op("close", 0), new Op("close", 0), new Op("write", 1_000)), failure.counterexample());
    }

    @Test
    void theReportSaysHowToRerunAndKeepsBothFailures() {
        PropertyFailure failure = failure(() -> Property.forAll(INT_LISTS)
                .named("required_report")
                .check(list -> assertTrue(list.size() < 3, "too long")));
        String message = failure.getMessage();
        assertTrue(message.contains("required_report"), message);
        assertTrue(message.contains("-Dqio.seed=" + Property.hex(Property.runSeed())), message);
        assertTrue(message.contains("-Dqio.seed=0x"), message);
        assertTrue(message.contains("counterexample: [0, 0, 0]"), message);
        assertTrue(message.contains("steps"), message);
        assertEquals(Property.runSeed(), failure.seed());
        assertEquals("required_report", failure.propertyName());
        assertTrue(failure.getCause().getMessage().startsWith("too long"));
        assertEquals(1, failure.getSuppressed().length, "the original failure is kept");
    }

    @Test
    void aFlakyFailureReportsTheOriginalInput() {
        AtomicInteger calls = new AtomicInteger();
        PropertyFailure failure = failure(() -> Property.forAll(Gen.ints(10, 20))
                .named("flaky")
                .seed(4)
                .check(x -> assertTrue(calls.incrementAndGet() > 1, "first call")));
        assertTrue(failure.getMessage().contains("passed when re-run"), failure.getMessage());
        assertTrue(failure.getCause().getMessage().startsWith("first call"));
        assertEquals(0, failure.shrinkSteps());
    }

    @Test
    void theReportShowsTheInputAsGeneratedEvenIfTheBodyMutatedIt() {
        PropertyFailure failure = failure(
                () -> Property.forAll(Gen.bytes(1, 1)).named("mutates").seed(1).check(bytes -> {
                    bytes[0] = 42;
                    throw new AssertionError("always");
                }));
        assertArrayEquals(new byte[] {0}, (byte[]) failure.counterexample());
    }

    @Test
    void hugeInputsAreTruncatedInTheReport() {
        PropertyFailure failure = failure(() -> Property.forAll(Gen.bytes(5_000, 5_000))
                .named("huge")
                .seed(1)
                .shrinkBudget(0, Duration.ofSeconds(1))
                .check(bytes -> assertEquals(0, bytes.length)));
        String line = failure.getMessage()
                .lines()
                .filter(l -> l.contains("counterexample"))
                .findFirst()
                .orElseThrow();
        assertTrue(line.length() < 300, line);
        assertTrue(line.endsWith("(truncated)"), line);
    }

    @Test
    void aDescriberRendersTheCounterexample() {
        PropertyFailure failure = failure(() -> Property.forAll(Gen.ints(0, 10))
                .named("describe")
                .seed(1)
                .describedBy(x -> "int(" + x + ")")
                .check(x -> assertTrue(x < 3)));
        assertTrue(failure.getMessage().contains("counterexample: int(3)"), failure.getMessage());
    }

    @Test
    void examplesRunFirstAsGivenAndFailWithoutShrinking() {
        List<Integer> seen = new ArrayList<>();
        Property.forAll(Gen.ints(100, 200))
                .named("examples")
                .seed(1)
                .tries(3)
                .withExamples(1, 2)
                .check(seen::add);
        assertEquals(List.of(1, 2), seen.subList(0, 2));
        assertEquals(5, seen.size());

        PropertyFailure failure = failure(() -> Property.forAll(Gen.ints(0, 5))
                .named("example")
                .withExamples(0, 999)
                .check(x -> assertTrue(x < 500)));
        assertEquals(999, failure.counterexample());
        assertEquals(0, failure.shrinkSteps());
        assertTrue(failure.getMessage().contains("explicit example #2"), failure.getMessage());
    }

    @Test
    void sameSeedSameInputsOtherSeedOtherInputs() {
        assertEquals(inputs(5, "det"), inputs(5, "det"));
        assertNotEquals(inputs(5, "det"), inputs(6, "det"));
        assertNotEquals(inputs(5, "det"), inputs(5, "other"), "the name picks the stream");
    }

    private static List<List<Integer>> inputs(long seed, String name) {
        List<List<Integer>> seen = new ArrayList<>();
        Property.forAll(INT_LISTS).named(name).seed(seed).tries(20).check(seen::add);
        return seen;
    }

    @Test
    void anAbortSkipsInsteadOfShrinking() {
        AtomicInteger runs = new AtomicInteger();
        assertThrows(
                TestAbortedException.class,
                () -> Property.forAll(INT_LISTS).named("abort").check(list -> {
                    runs.incrementAndGet();
                    assumeTrue(false, "not today");
                }));
        assertEquals(1, runs.get());
    }

    @Test
    void anyThrowableIsAFailure() {
        PropertyFailure failure = failure(
                () -> Property.forAll(Gen.ints(0, 3)).named("throws").seed(2).check(x -> {
                    throw new Exception("checked " + x);
                }));
        assertInstanceOf(Exception.class, failure.getCause());
        assertEquals(0, failure.counterexample());
    }

    @Test
    void seedsParseAsDecimalOrHex() {
        assertEquals(26, Property.parseSeed("0x1a"));
        assertEquals(-1, Property.parseSeed("0xffffffffffffffff"));
        assertEquals(-5, Property.parseSeed("-5"));
        assertEquals(42, Property.parseSeed(" 42 "));
        assertThrows(IllegalArgumentException.class, () -> Property.parseSeed("seven"));
        assertTrue(Property.seedLabel().startsWith("seed=0x"));
    }

    @TestFactory
    Stream<DynamicTest> worksInDynamicTests() {
        return Stream.of(1, 2, 3)
                .map(n -> DynamicTest.dynamicTest(
                        "size " + n + " " + Property.seedLabel(),
                        () -> Property.forAll(Gen.listOf(Gen.booleans(), n, n))
                                .named("dynamic_" + n)
                                .tries(10)
                                .check(list -> assertEquals(n, list.size()))));
    }
}
