package dev.qio.testkit.property;

/**
 * Thrown when a {@link Property} finds an input that makes its body fail.
 *
 * <p>The message is the full report: property name, try number, seed and how to rerun with it,
 * the (shrunk) counterexample and shrinking statistics. The cause is what the body threw for the
 * reported counterexample; when that input was shrunk, the failure of the original input is
 * attached as a suppressed exception.
 */
public final class PropertyFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final String propertyName;
    private final long seed;
    private final transient Object counterexample;
    private final int shrinkSteps;

    PropertyFailure(
            String report, Throwable cause, String propertyName, long seed, Object counterexample, int shrinkSteps) {
        super(report, cause);
        this.propertyName = propertyName;
        this.seed = seed;
        this.counterexample = counterexample;
        this.shrinkSteps = shrinkSteps;
    }

    /** Returns the name of the property that failed. */
    public String propertyName() {
        return propertyName;
    }

    /** Returns the seed the property's inputs were generated from. */
    public long seed() {
        return seed;
    }

    /** Returns the reported input: shrunk if generated, as given if an explicit example. */
    public Object counterexample() {
        return counterexample;
    }

    /** Returns how many simpler inputs shrinking adopted; 0 for explicit examples. */
    public int shrinkSteps() {
        return shrinkSteps;
    }
}
