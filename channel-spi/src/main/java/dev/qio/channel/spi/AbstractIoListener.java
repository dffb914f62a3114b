package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The base of every listener: blocking and non-blocking {@link #accept()}, {@link #onAccept}
 * watches and the idempotent {@link #close()} are here, so a provider implements a non-blocking
 * accept, its readiness and its close.
 *
 * <p>A blocking accept parks on {@link #readiness()} between non-blocking tries, so it frees a
 * virtual thread's carrier while it waits, and {@code close} wakes it.
 */
public abstract class AbstractIoListener implements IoListener {
    private static final Set<IoCondition> ACCEPTABLE = EnumSet.of(IoCondition.IN);

    private volatile String name;
    private final URI localUri;
    private final EnumSet<Feature> features = EnumSet.of(Feature.LISTEN);
    private final Set<Feature> featuresView = Collections.unmodifiableSet(features);
    private volatile boolean blocking = true;
    private final OpenState state = new OpenState();
    /** Serialises accepts, so two blocked acceptors never race for one client. */
    private final ReentrantLock acceptLock = new ReentrantLock();

    /**
     * Creates an open listener bound to {@code localUri}.
     *
     * @param localUri the bound address, with the real port
     */
    protected AbstractIoListener(URI localUri) {
        this.localUri = Objects.requireNonNull(localUri, "localUri");
        this.name = UriOptions.displayName(localUri);
    }

    /**
     * Takes a pending client without waiting.
     *
     * @return the server end, or {@code null} when none is pending
     */
    protected abstract IoChannel implAccept() throws IOException;

    /** {@code IN} while a client is pending; signalled when one arrives and on close. */
    protected abstract Readiness readiness();

    /** Stops listening and removes what the listener created; called once. */
    protected abstract void implClose() throws IOException;

    /** Adds a feature; call while constructing. */
    protected final void setFeature(Feature feature) {
        features.add(feature);
    }

    @Override
    public final IoChannel accept() throws IOException {
        acceptLock.lock();
        try {
            ChannelEvents.Accept event = ChannelEvents.beginAccept();
            while (true) {
                ensureOpen();
                IoChannel client = implAccept();
                if (client != null || !blocking) {
                    ChannelEvents.endAccept(event, name, client);
                    return client;
                }
                state.await(readiness(), IoCondition.IN, name);
            }
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    public final void setBlocking(boolean blocking) throws IOException {
        ensureOpen();
        this.blocking = blocking;
    }

    @Override
    public final boolean isBlocking() {
        return blocking;
    }

    @Override
    public final URI localUri() {
        return localUri;
    }

    @Override
    public final String name() {
        return name;
    }

    /** Renames the listener, for messages. */
    public final void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public final Set<Feature> features() {
        return featuresView;
    }

    @Override
    public final Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
        Objects.requireNonNull(handler, "handler");
        return state.watch(
                readiness(),
                ACCEPTABLE,
                ready -> {
                    try {
                        IoChannel client;
                        while (isOpen()) {
                            ChannelEvents.Accept event = ChannelEvents.beginAccept();
                            if ((client = implAccept()) == null) {
                                break;
                            }
                            ChannelEvents.endAccept(event, name, client);
                            handler.accept(client);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(name + ": accept failed", e);
                    }
                    return isOpen();
                },
                Objects.requireNonNull(loop, "loop"));
    }

    @Override
    public final boolean isOpen() {
        return state.isOpen();
    }

    @Override
    public final void close() throws IOException {
        state.close(this::implClose); // also ends onAccept watches and wakes a thread parked in accept()
    }

    private void ensureOpen() throws IOException {
        state.ensureOpen(name);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + (isOpen() ? "" : ", closed") + "]";
    }
}
