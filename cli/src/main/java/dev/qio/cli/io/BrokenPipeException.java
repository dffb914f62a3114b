package dev.qio.cli.io;

import java.io.IOException;

/**
 * Standard output was closed by its reader ({@code qio cat big | head}). The command then ends as
 * {@code cat} does when SIGPIPE kills it: silently, with exit status 141 (128 + SIGPIPE).
 */
public final class BrokenPipeException extends IOException {
    private static final long serialVersionUID = 1L;

    BrokenPipeException(IOException cause) {
        super("stdout: " + Failures.describe(cause), cause);
    }

    /** Whether {@code e} is the OS's EPIPE, as java.nio reports it. */
    static boolean isBrokenPipe(IOException e) {
        return "Broken pipe".equals(e.getMessage());
    }
}
