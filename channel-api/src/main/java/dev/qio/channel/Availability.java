package dev.qio.channel;

import java.util.Objects;

/**
 * Whether a {@link ChannelProvider} can open channels in this JVM on this platform, and if not,
 * why: a native backend on another operating system, say, or one whose native access was not
 * enabled. The registry passes over an unavailable provider when it ranks the claimants of a
 * scheme ({@link ChannelRegistry}), and tools show the reason.
 *
 * @param isAvailable whether the provider can be used
 * @param reason why not, in a phrase ("not Linux (Mac OS X)"); empty when available
 */
public record Availability(boolean isAvailable, String reason) {
    private static final Availability AVAILABLE = new Availability(true, "");

    /**
     * Checks the reason.
     *
     * @throws IllegalArgumentException if an unavailable provider gives no reason
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!isAvailable && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable provider must say why");
        }
    }

    /** The provider can be used. */
    public static Availability available() {
        return AVAILABLE;
    }

    /** The provider cannot be used, for {@code reason}. */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
