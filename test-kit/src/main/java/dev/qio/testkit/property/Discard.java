package dev.qio.testkit.property;

/**
 * Marks the current attempt as invalid rather than failed.
 *
 * <p>Thrown when a generator draws too many choices, when {@link Gen#filter} gives up, or by
 * {@link Property#assume}. A {@link Property} does not count a discarded attempt as a try, and
 * while shrinking a discarded candidate simply counts as "does not fail". Generators and property
 * bodies may throw it too. It carries no stack trace because it is control flow, not a bug report.
 */
public final class Discard extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates a discard whose message says why the attempt is invalid. */
    public Discard(String reason) {
        super(reason, null, false, false);
    }
}
