package dev.qio.channel;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A bound endpoint that accepts connections (QEMU's {@code QIONetListener}).
 *
 * <p>A new listener is blocking. {@link #close()} stops accepting, wakes a blocked
 * {@link #accept()} with {@link ClosedChannelException}, ends {@link #onAccept} watches and removes
 * what the listener created to be reachable (a unix socket file, a {@code mem://} name); it leaves
 * alone what it did not create. Channels already accepted stay open. Idempotent.
 */
public interface IoListener extends Channel {
    /**
     * Takes the next pending connection.
     *
     * @return the server end of the connection, in blocking mode; in non-blocking mode
     *     {@code null} when no client is pending
     * @throws ClosedChannelException if the listener is closed, or closed while waiting
     */
    IoChannel accept() throws IOException;

    /** Switches {@link #accept()} between blocking and non-blocking. */
    void setBlocking(boolean blocking) throws IOException;

    /** Whether {@link #accept()} blocks (the default). */
    boolean isBlocking();

    /** The address clients connect to, with the real port where port 0 was asked for. */
    URI localUri();

    /** The listener's name, for messages; by default {@link #localUri()}. */
    String name();

    /** The listener's features; always contains {@link Feature#LISTEN}. */
    Set<Feature> features();

    /**
     * Accepts every client on {@code loop} and hands it to {@code handler}, which then owns it
     * (QIONetListener's client function). Ends when the returned watch or the listener is closed.
     */
    Watch onAccept(Consumer<IoChannel> handler, EventLoop loop);

    /** Stops listening; see the class description. */
    @Override
    void close() throws IOException;
}
