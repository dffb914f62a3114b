package dev.qio.cli.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * One side of a copy or a relay: a channel opened by URI, or standard input and output ({@code -}).
 *
 * <p>Lifecycle: {@link #endOutput()} tells the peer that no more bytes follow (a half-close where
 * the channel has SHUTDOWN, else a close); {@link #close()} ends everything and is idempotent. A
 * read blocked in another thread when this side closes it returns {@code -1} rather than throwing:
 * the relay closes sides on purpose to end the opposite direction.
 */
public interface Endpoint extends Closeable {
    /** The URI as the user gave it, or {@code -}; every error message names it. */
    String name();

    /**
     * Reads at least one byte into {@code dst}, blocking until some arrive.
     *
     * @return the number of bytes read ({@code > 0}), or {@code -1} at end of stream or after this
     *     side was closed here
     * @throws IOException on any other failure; the message names {@link #name()}
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes every remaining byte of {@code src}.
     *
     * @throws IOException on failure; the message names {@link #name()}
     */
    void writeAll(ByteBuffer src) throws IOException;

    /**
     * Ends the output direction: {@code shutdown(WRITE)} on a channel with SHUTDOWN, otherwise a
     * close (which also ends this side's input); closes standard output for {@code -}. Does nothing
     * after {@link #close()}.
     */
    void endOutput() throws IOException;

    /** The bytes left to read, where known (a seekable channel, standard input from a file). */
    OptionalLong remaining();
}
