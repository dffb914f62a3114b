package dev.qio.channel;

/**
 * A registered watch (QEMU's watch source). It stays active until its callback returns
 * {@code false}, it is closed, or its channel or event loop is closed.
 */
public interface Watch extends AutoCloseable {
    /** Whether the callback may still run. */
    boolean isActive();

    /**
     * Removes the watch. After this returns, the callback does not start again; a run already in
     * progress on the loop thread finishes. Idempotent, callable from any thread, including from
     * the callback itself.
     */
    @Override
    void close();
}
