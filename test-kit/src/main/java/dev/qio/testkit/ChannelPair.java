package dev.qio.testkit;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Two connected ends from a {@link ChannelFixture}: bytes written to {@link #writer()} come out of
 * {@link #reader()}. For a loopback ({@code buffer:}, {@code command:cat}) both are the same
 * channel. {@link #close()} closes both and anything else the fixture made (temp files, listeners).
 */
public abstract class ChannelPair implements AutoCloseable {
    /** The end the kit writes to. */
    public abstract IoChannel writer();

    /**
     * The end the kit reads from. Without {@link Capability#CONCURRENT} the kit calls this only
     * after {@link #finishWriting()}, so a fixture may open it then (a second handle on a file).
     * The {@link Capability#FILL} properties call it only after they filled the writer.
     */
    public abstract IoChannel reader() throws IOException;

    /**
     * Ends the stream: afterwards the reader drains what was written and then reads EOF. Pipes
     * close (or shut down) the writer; a loopback buffer seeks back to 0; a file closes the writer
     * so the reader can be opened.
     */
    public abstract void finishWriting() throws IOException;

    /** Closes everything the pair holds; idempotent. */
    @Override
    public abstract void close() throws IOException;

    /** Whether both ends are one channel. */
    public final boolean isLoopback() throws IOException {
        return writer() == reader();
    }

    /**
     * Two distinct connected ends, as from a pipe or a socket: {@link #finishWriting()} closes the
     * writer.
     */
    public static ChannelPair of(IoChannel writer, IoChannel reader, AutoCloseable... extras) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(reader, "reader");
        return new ChannelPair() {
            @Override
            public IoChannel writer() {
                return writer;
            }

            @Override
            public IoChannel reader() {
                return reader;
            }

            @Override
            public void finishWriting() throws IOException {
                writer.close();
            }

            @Override
            public void close() throws IOException {
                closeAll(writer, reader, extras);
            }
        };
    }

    /** What {@link #loopback} runs at {@link #finishWriting()}. */
    @FunctionalInterface
    public interface Rewind {
        /** Makes the written bytes readable from the start, for example {@code seek(0, SET)}. */
        void rewind(IoChannel channel) throws IOException;
    }

    /** One channel that reads back what it was written, after {@code rewind}. */
    public static ChannelPair loopback(IoChannel channel, Rewind rewind, AutoCloseable... extras) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(rewind, "rewind");
        return new ChannelPair() {
            @Override
            public IoChannel writer() {
                return channel;
            }

            @Override
            public IoChannel reader() {
                return channel;
            }

            @Override
            public void finishWriting() throws IOException {
                rewind.rewind(channel);
            }

            @Override
            public void close() throws IOException {
                closeAll(channel, channel, extras);
            }
        };
    }

    /** Opens the reader of a {@link #writeThenRead} pair. */
    @FunctionalInterface
    public interface ReaderOpener {
        /** Opens a second channel on what the writer wrote. */
        IoChannel open() throws IOException;
    }

    /**
     * A writer now and a reader opened on the same data once the writer is closed (a second
     * handle on a file): {@link #finishWriting()} closes the writer, {@link #reader()} then opens
     * the reader once.
     */
    public static ChannelPair writeThenRead(IoChannel writer, ReaderOpener reader, AutoCloseable... extras) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(reader, "reader");
        return new ChannelPair() {
            private IoChannel opened;

            @Override
            public IoChannel writer() {
                return writer;
            }

            @Override
            public synchronized IoChannel reader() throws IOException {
                if (opened == null) {
                    opened = reader.open();
                }
                return opened;
            }

            @Override
            public void finishWriting() throws IOException {
                writer.close();
            }

            @Override
            public synchronized void close() throws IOException {
                closeAll(writer, opened != null ? opened : writer, extras);
            }
        };
    }

    /**
     * Listens on {@code listenUri}, connects to the listener's real address (with {@code query}
     * appended when not empty, for client options) and accepts: the client writes, the accepted
     * end reads, and closing the pair closes the listener too.
     *
     * <p>The accept runs on its own thread while the client connects, so layers whose open and
     * accept talk to each other before returning (a TLS handshake) pair up too.
     */
    public static ChannelPair connected(ChannelRegistry registry, String listenUri, String query) throws IOException {
        return connected(registry.listen(listenUri), uri -> registry.open(uri + (query.isEmpty() ? "" : "?" + query)));
    }

    /** Opens the client end of a {@link #connected(IoListener, Connector)} pair. */
    @FunctionalInterface
    public interface Connector {
        /** Connects to {@code localUri}, the listener's real address. */
        IoChannel connect(URI localUri) throws IOException;
    }

    /**
     * Connects a client from {@code connector} to {@code listener}, which this pair now owns, and
     * accepts it: the client writes, the accepted end reads. The two ends may come from different
     * providers or registries (a java.nio backend against a native one), see {@link MixedPairs}.
     * The accept runs on its own thread while the client connects, as in
     * {@link #connected(ChannelRegistry, String, String)}.
     */
    public static ChannelPair connected(IoListener listener, Connector connector) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(connector, "connector");
        CompletableFuture<IoChannel> accepted = new CompletableFuture<>();
        Thread acceptor = Thread.ofVirtual().name("qio-kit-accept").start(() -> {
            try {
                accepted.complete(listener.accept());
            } catch (Throwable t) {
                accepted.completeExceptionally(t);
            }
        });
        IoChannel client = null;
        try {
            client = connector.connect(listener.localUri());
            return of(client, join(accepted), listener);
        } catch (IOException | RuntimeException e) {
            listener.close(); // wakes the acceptor if the client never arrived
            joinQuietly(acceptor);
            accepted.thenAccept(ChannelPair::closeQuietly);
            if (client != null) {
                closeQuietly(client);
            }
            throw e;
        }
    }

    private static IoChannel join(CompletableFuture<IoChannel> accepted) throws IOException {
        try {
            return accepted.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("accept failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(IoChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // failing already; the first error is the one to report
        }
    }

    /** Closes {@code a}, {@code b} and {@code extras}, every one even if an earlier one fails. */
    protected static void closeAll(IoChannel a, IoChannel b, AutoCloseable... extras) throws IOException {
        IOException failure = null;
        Object[] all = new Object[2 + extras.length];
        all[0] = a;
        all[1] = b;
        System.arraycopy(extras, 0, all, 2, extras.length);
        for (Object o : all) {
            try {
                ((AutoCloseable) o).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
