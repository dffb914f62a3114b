package dev.qio.channel.spi.linux;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * How a wait inside the kernel hears of {@link Thread#interrupt()}: not a channel anyone uses, but
 * its {@code begin()}/{@code end()} register the waiting thread with the JDK, which calls
 * {@link #implCloseChannel} on an interrupt, and that runs the owner's wake-up. The JDK's own
 * selectors learn of interrupts this way. An interrupt closes it: the owner makes a new one for
 * its next wait ({@link #leave} has thrown {@link java.nio.channels.ClosedByInterruptException}).
 */
final class InterruptHook extends AbstractInterruptibleChannel {
    private final Runnable wake;

    /** @param wake ends the wait; runs on the interrupting thread */
    InterruptHook(Runnable wake) {
        this.wake = wake;
    }

    /** Before the wait: from now on an interrupt runs the wake-up (at once if one is pending). */
    void enter() {
        begin();
    }

    /**
     * After the wait.
     *
     * @throws java.nio.channels.ClosedByInterruptException if an interrupt came meanwhile
     */
    void leave(boolean completed) throws AsynchronousCloseException {
        end(completed);
    }

    @Override
    protected void implCloseChannel() {
        wake.run();
    }
}
