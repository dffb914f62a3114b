package dev.qio.channel.spi;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * {@link ClosedChannelException} with the channel's name in its message (the JDK's has none).
 * {@link Async} is the variant for an operation that was waiting when another thread closed.
 * Public for transports outside this package (the native backend) that detect the close first.
 */
public final class ClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;
    /** The closed object's name. */
    private final String name;

    /**
     * Creates the exception.
     *
     * @param name the closed object's name, for the message
     */
    public ClosedException(String name) {
        this.name = name;
    }

    @Override
    public String getMessage() {
        return name + ": channel is closed";
    }

    /** An operation was waiting when another thread closed the channel. */
    public static final class Async extends AsynchronousCloseException {
        private static final long serialVersionUID = 1L;
        /** The closed object's name. */
        private final String name;

        /**
         * Creates the exception.
         *
         * @param name the closed object's name, for the message
         */
        public Async(String name) {
            this.name = name;
        }

        @Override
        public String getMessage() {
            return name + ": channel was closed while the operation waited";
        }
    }
}
