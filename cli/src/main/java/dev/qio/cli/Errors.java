package dev.qio.cli;

import dev.qio.cli.io.BrokenPipeException;
import dev.qio.cli.io.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How a failure reads on one line, and which exit code it gives. */
final class Errors {
    private Errors() {}

    /**
     * The one line printed after {@code qio: }. Expected failures (I/O, a bad URI, an unsupported
     * operation) give their message, which names the URI; anything else is a bug in qio or a
     * provider and also gives its type, so that the line still says what happened.
     */
    static String message(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String text = Failures.describe(t);
        boolean expected = t instanceof IOException
                || t instanceof IllegalArgumentException
                || t instanceof UnsupportedOperationException
                || t instanceof IllegalStateException
                || t instanceof CommandFailure;
        if (!expected && !text.equals(t.getClass().getSimpleName())) {
            text = t.getClass().getSimpleName() + ": " + text;
        }
        return oneLine(text);
    }

    /** Whether {@code e} or a cause is standard output closed by its reader. */
    static boolean brokenPipe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BrokenPipeException) {
                return true;
            }
        }
        return false;
    }

    /** A bad URI, an unknown option or scheme: the user's input, so a usage error; the rest failed. */
    static int exitCode(Throwable e) {
        return e instanceof IllegalArgumentException ? Main.USAGE : Main.FAILURE;
    }

    /** Joins the lines of a message with {@code "; "}. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
