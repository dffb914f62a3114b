package dev.qio.cli.io;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/** Error messages that name the endpoint they happened on. */
public final class Failures {
    private Failures() {}

    /** {@code e} itself if its message already names {@code name}, else an IOException that does. */
    public static IOException naming(String name, IOException e) {
        String message = e.getMessage();
        if (message != null && message.contains(name)) {
            return e;
        }
        return new IOException(name + ": " + describe(e), e);
    }

    /** The message of {@code t}, or a phrase for the JDK exceptions that have none. */
    public static String describe(Throwable t) {
        String message = t.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        if (t instanceof AsynchronousCloseException) {
            return "closed while in use";
        }
        if (t instanceof ClosedChannelException) {
            return "channel is closed";
        }
        return t.getClass().getSimpleName();
    }
}
