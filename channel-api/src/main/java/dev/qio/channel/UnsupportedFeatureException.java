package dev.qio.channel;

import java.util.Objects;

/**
 * Thrown when an operation needs a {@link Feature} the channel does not advertise, before anything
 * is read or written. The message is QEMU's, for example "Channel does not support file descriptor
 * passing", prefixed with the channel's name.
 */
public class UnsupportedFeatureException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    /** The feature the refused operation needed. */
    private final Feature feature;

    /**
     * Creates the exception.
     *
     * @param feature the feature the operation needed
     * @param message what was refused
     */
    public UnsupportedFeatureException(Feature feature, String message) {
        super(message);
        this.feature = Objects.requireNonNull(feature, "feature");
    }

    /** The feature the refused operation needed. */
    public Feature feature() {
        return feature;
    }
}
