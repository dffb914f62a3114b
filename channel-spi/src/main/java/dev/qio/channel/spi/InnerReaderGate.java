package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;

/**
 * Where a layer's reader parks in its inner channel (blocking mode, waiting for input), and how
 * the layer's close learns it must wake that reader. Closing the layer wakes the threads parked
 * in the layer's own {@code await}, not one parked in the inner channel's; only the inner channel
 * can wake that one (closing it, or shutting its read side). A close that keeps the inner channel
 * open (a {@link LingeringClose}) must know whether a reader is there.
 *
 * <p>{@link #await} and {@link #closing} each write their flag before they read the other's
 * (both volatile), so either the reader sees the close and does not park, or the close sees the
 * reader and wakes it. One reader at a time (the layer's read lock).
 */
public final class InnerReaderGate {
    private volatile boolean parked;
    private volatile boolean closing;

    /**
     * Parks in {@code inner} until it has input, unless the layer is closing.
     *
     * @throws AsynchronousCloseException if the layer's close came first
     */
    public void await(IoChannel inner) throws IOException {
        parked = true;
        try {
            if (closing) {
                throw new AsynchronousCloseException();
            }
            inner.await(IoCondition.IN);
        } finally {
            parked = false;
        }
    }

    /**
     * For the layer's close: from now on no reader parks in the inner channel.
     *
     * @return whether a reader is parked there now, which the caller must wake
     */
    public boolean closing() {
        closing = true;
        return parked;
    }
}
