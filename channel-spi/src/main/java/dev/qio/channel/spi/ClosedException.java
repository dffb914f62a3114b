package dev.qio.channel.spi;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * {@link ClosedChannelException} with the channel's name in its message (the JDK's has none).
 * {@link Async} is the variant for an operation that was waiting when another thread closed.
 */
final class ClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;
    private final String name;

    ClosedException(String name) {
        this.name = name;
    }

    @Override
    public String getMessage() {
        return name + ": channel is closed";
    }

    static final class Async extends AsynchronousCloseException {
        private static final long serialVersionUID = 1L;
        private final String name;

        Async(String name) {
            this.name = name;
        }

        @Override
        public String getMessage() {
            return name + ": channel was closed while the operation waited";
        }
    }
}
