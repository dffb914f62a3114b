package dev.qio.channel;

import java.io.IOException;

/**
 * An operating-system file descriptor that this object owns, as passed with {@link Feature#FD_PASS}.
 *
 * <p>Ownership travels with the object: whoever receives one from a read owns it and must close it.
 * A channel that sends one does not take ownership; the sender may close its descriptor as soon as
 * the write that carried it returns. {@link #close()} closes the descriptor once; later calls do
 * nothing, and {@link #value()} then throws.
 */
public interface NativeFd extends AutoCloseable {
    /**
     * The descriptor number.
     *
     * @throws IllegalStateException if this descriptor has been closed
     */
    int value();

    /** Whether {@link #close()} has not been called yet. */
    boolean isOpen();

    /** Closes the descriptor; idempotent. */
    @Override
    void close() throws IOException;
}
