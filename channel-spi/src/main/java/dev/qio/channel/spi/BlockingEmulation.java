package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Blocking mode over a transport that never blocks (a {@code java.nio} channel kept non-blocking so
 * that readiness, shutdown and close work the same in both modes): try the transfer; when it would
 * block, return {@link IoChannel#ERR_BLOCK} in non-blocking mode, or wait for readiness and try
 * again. The loop is written here once; a provider writes only the one attempt.
 *
 * <p>The wait is the channel's own {@link IoChannel#await}, so a close meanwhile ends it with
 * {@link java.nio.channels.AsynchronousCloseException}, and a shutdown that signals readiness makes
 * the next attempt see it.
 *
 * @implNote The JDK's {@code NioSocketImpl} reads the same way: a non-blocking read, and on
 *     {@code EAGAIN} a park on the poller, then the read again.
 */
public final class BlockingEmulation {
    private BlockingEmulation() {}

    /**
     * One non-blocking attempt at a transfer. Keep one per channel in a field (a method reference
     * made per call would allocate on the hot path).
     */
    @FunctionalInterface
    public interface Attempt {
        /**
         * Tries the transfer once, without waiting.
         *
         * @return bytes moved ({@code > 0}), {@link IoChannel#EOF} (reads), or 0 if it would block;
         *     the attempt notes the would-block with its readiness itself, if that needs to know
         * @throws IOException if the transport fails
         */
        long attempt(ByteBuffer[] iov) throws IOException;
    }

    /**
     * Runs {@code attempt} until it moves bytes or ends, waiting for {@code condition} between
     * tries while {@code channel} is blocking.
     *
     * @param condition {@link IoCondition#IN} for reads, {@link IoCondition#OUT} for writes
     * @return what the attempt returned, or {@link IoChannel#ERR_BLOCK} when it would block and the
     *     channel is non-blocking
     * @throws IOException from the attempt, or from the wait (a close meanwhile)
     */
    public static long transfer(IoChannel channel, IoCondition condition, ByteBuffer[] iov, Attempt attempt)
            throws IOException {
        while (true) {
            long n = attempt.attempt(iov);
            if (n != 0) {
                return n;
            }
            if (!channel.isBlocking()) {
                return IoChannel.ERR_BLOCK;
            }
            channel.await(condition);
        }
    }
}
