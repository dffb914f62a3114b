package dev.qio.cli.kit;

/**
 * What happened to one test of the kit on one fixture.
 *
 * @param fixture the fixture's name
 * @param test the test's display name: {@code required_roundtrip [mem, blocking, seed=0x…]}
 * @param property the property id, the display name up to its first space or parenthesis
 * @param family the column of the matrix the property counts in; see {@link Families}
 * @param status passed, failed or skipped (an assumption that aborted counts as skipped)
 * @param error why it failed or was skipped; {@code null} when it passed
 */
public record Outcome(String fixture, String test, String property, String family, Status status, Throwable error) {
    /** A test's result, as the matrix counts it. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED
    }
}
