package dev.qio.cli;

/** A failure a command reports in its own words: printed as {@code qio: MESSAGE}, exit code 1. */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
