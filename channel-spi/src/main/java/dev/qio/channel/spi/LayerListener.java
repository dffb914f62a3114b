package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousCloseException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The base of a layer's listener ({@code LAYER+INNER://…}, the counterpart of {@link LayerUri}):
 * it accepts through the inner scheme's listener and hands out every accepted channel with the
 * layer put on. A layer implements {@link #wrap}; the public operations are {@code final} and
 * follow {@link IoListener}'s contract.
 *
 * <p>The mode, features and open state are the inner listener's, so over a new inner listener a
 * new layer listener is blocking. {@link #localUri()} and {@link #name()} are the inner
 * listener's with {@code LAYER+} in front.
 *
 * <h2>Hooks</h2>
 * {@link #wrap} builds the layered channel around an accepted one, without talking to the peer.
 * A layer whose channels must talk to the peer before they are usable (a TLS handshake) also
 * overrides {@link #handshake} (waits, on the accepting thread) and {@link #handshakeAsync}
 * (moves on an event loop and never blocks it); both default to nothing, and a layer overrides
 * both or neither.
 *
 * <h2>Where each runs, and what a failure does</h2>
 * A failed client is always closed by this class: the inner channel if {@code wrap} threw, the
 * layered channel if a handshake failed.
 * <ul>
 *   <li>A blocking {@link #accept()} wraps and shakes hands on the calling thread. If either
 *       fails, that call throws the failure; the listener stays open, and the next call takes
 *       the next client.
 *   <li>A non-blocking {@code accept()} wraps every client the inner listener has pending,
 *       starts their handshakes on {@link EventLoop#shared()}, and returns a client whose
 *       handshake has finished, or {@code null}. A client that fails is dropped: no call is
 *       waiting to be told.
 *   <li>{@link #onAccept} wraps and shakes hands on its loop and gives the handler, on that loop,
 *       only clients that passed; it drops the others.
 * </ul>
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the inner listener, and every client that has not been handed out
 * yet: those still in a handshake, and those whose handshake finished after a non-blocking
 * accept but that no accept has taken. A blocking accept that was in a handshake then throws
 * {@link AsynchronousCloseException} (a {@code ClosedChannelException}), as one waiting in the
 * inner listener's accept does. Clients already handed out stay open.
 *
 * @param <C> the layered channel's type, which the handshake hooks receive
 */
public abstract class LayerListener<C extends IoChannel> implements IoListener {
    private static final System.Logger LOG = System.getLogger(LayerListener.class.getName());
    private static final CompletionStage<Void> NOTHING_TO_DO = CompletableFuture.completedStage(null);

    private final String layer;
    private final IoListener inner;
    private final URI localUri;
    /**
     * Clients wrapped but not handed out: in a handshake, or waiting in {@link #ready}. A client
     * is added before the open state is checked and {@code close} closes the inner listener
     * before it closes these, so a client racing with close is either seen here or sees closed.
     */
    private final Set<IoChannel> unclaimed = ConcurrentHashMap.newKeySet();
    /** Non-blocking accepts: clients whose handshake finished, not taken yet (also in {@link #unclaimed}). */
    private final ConcurrentLinkedQueue<C> ready = new ConcurrentLinkedQueue<>();

    /**
     * Wraps a listener of the inner scheme.
     *
     * @param layer the layer's scheme, e.g. {@code tls}
     * @param inner the listener of the inner scheme; this listener owns it from now on
     */
    protected LayerListener(String layer, IoListener inner) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.localUri = URI.create(layer + "+" + inner.localUri());
    }

    /**
     * Puts the layer on an accepted channel. Runs on the thread of a blocking {@link #accept()},
     * on the shared loop for a non-blocking one, and on the {@link #onAccept} loop, so it must not
     * wait for the peer; {@link #handshake} and {@link #handshakeAsync} are for that.
     *
     * @param inner the server end the inner listener accepted
     * @return the layered channel, in blocking mode; it owns {@code inner} (closing it closes
     *     {@code inner})
     * @throws IOException or a RuntimeException, if the layer cannot be put on; this class then
     *     closes {@code inner}
     */
    protected abstract C wrap(IoChannel inner) throws IOException;

    /**
     * Makes a fresh layered channel usable, waiting as needed; by default nothing. Runs on the
     * thread of a blocking {@link #accept()}, whose caller gets what it throws; this class then
     * closes {@code channel}. Closing the listener closes {@code channel}, which must wake this.
     */
    protected void handshake(C channel) throws IOException {}

    /**
     * {@link #handshake} without blocking: starts it on {@code loop} and returns a stage that
     * completes when it is done, or fails; by default one that is already complete. Used by
     * non-blocking accepts and by {@link #onAccept}. If the stage fails, this class closes
     * {@code channel}; closing the listener closes {@code channel}, which must end the stage.
     */
    protected CompletionStage<?> handshakeAsync(C channel, EventLoop loop) {
        return NOTHING_TO_DO;
    }

    /**
     * Takes the next client, wrapped and through its handshake; see the class description for
     * failures.
     */
    @Override
    public final IoChannel accept() throws IOException {
        if (!isOpen()) {
            throw new ClosedException(name()); // the inner listener would name itself, not this one
        }
        IoChannel done = takeReady(); // handshakes finished since an accept in non-blocking mode
        if (done != null) {
            return done;
        }
        IoChannel raw;
        if (!inner.isBlocking()) {
            while ((raw = inner.accept()) != null) {
                start(raw, EventLoop.shared(), ready::add);
            }
            return takeReady();
        }
        raw = inner.accept();
        return raw == null ? null : establish(raw); // null: switched to non-blocking meanwhile
    }

    /** A blocking accept's wrap and handshake, on the calling thread. */
    private C establish(IoChannel raw) throws IOException {
        C layered = wrapOrClose(raw);
        unclaimed.add(layered);
        try {
            if (isOpen()) {
                handshake(layered);
            }
        } catch (IOException | RuntimeException e) {
            drop(layered);
            if (isOpen()) {
                throw e;
            }
            AsynchronousCloseException closed = new ClosedException.Async(name());
            closed.initCause(e); // the handshake failed because close() closed its channel
            throw closed;
        }
        if (!claim(layered)) {
            throw new ClosedException.Async(name());
        }
        return layered;
    }

    /** Wraps {@code raw} and starts its handshake on {@code loop}; {@code deliver} gets it if it passes. */
    private void start(IoChannel raw, EventLoop loop, Consumer<C> deliver) {
        C layered;
        try {
            layered = wrapOrClose(raw);
        } catch (IOException | RuntimeException dropped) {
            warnDropped(raw.name(), dropped); // a client that fails is dropped: see the class description
            return;
        }
        unclaimed.add(layered);
        CompletionStage<?> handshaking;
        try {
            if (!isOpen()) {
                drop(layered);
                return;
            }
            handshaking = handshakeAsync(layered, loop);
        } catch (RuntimeException dropped) {
            warnDropped(layered.name(), dropped);
            drop(layered);
            return;
        }
        handshaking.whenComplete((ignored, failure) -> {
            if (failure == null && isOpen()) {
                deliver.accept(layered);
            } else {
                if (failure != null && isOpen()) {
                    warnDropped(layered.name(), failure);
                }
                drop(layered);
            }
        });
    }

    private C wrapOrClose(IoChannel raw) throws IOException {
        try {
            return Objects.requireNonNull(wrap(raw), "wrap returned null");
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /** The next client a non-blocking accept finished, or {@code null}. */
    private IoChannel takeReady() throws IOException {
        C c = ready.poll();
        if (c != null && !claim(c)) {
            throw new ClosedException(name());
        }
        return c;
    }

    /**
     * Hands {@code c} out: false, having closed it, if the listener is closed (in which case
     * close may have closed it already, and must not find it handed out).
     */
    private boolean claim(C c) {
        unclaimed.remove(c);
        if (isOpen()) {
            return true;
        }
        closeQuietly(c);
        return false;
    }

    /**
     * An {@code onAccept} client failed before it could be handed out: nobody else will hear of
     * it, so it goes to the {@code dev.qio.channel.spi.LayerListener} logger, as a warning.
     */
    private void warnDropped(String client, Throwable why) {
        LOG.log(
                System.Logger.Level.WARNING,
                () -> name() + ": dropped client " + client + ": " + why.getMessage(),
                why);
    }

    private void drop(IoChannel c) {
        unclaimed.remove(c);
        closeQuietly(c);
    }

    private static void closeQuietly(IoChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // a client that failed or was never handed out: nobody to tell
        }
    }

    @Override
    public final void setBlocking(boolean blocking) throws IOException {
        inner.setBlocking(blocking);
    }

    @Override
    public final boolean isBlocking() {
        return inner.isBlocking();
    }

    @Override
    public final URI localUri() {
        return localUri;
    }

    @Override
    public final String name() {
        return layer + "+" + inner.name();
    }

    @Override
    public final Set<Feature> features() {
        return inner.features();
    }

    /**
     * Accepts on {@code loop}: wraps each client and runs {@link #handshakeAsync} on
     * {@code loop}; {@code handler} gets, on {@code loop}, each client that passed while the
     * watch is active.
     */
    @Override
    public final Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(loop, "loop");
        AcceptWatch watch = new AcceptWatch(handler, loop);
        watch.accepting = inner.onAccept(watch, loop);
        return watch;
    }

    /**
     * An {@link #onAccept} watch: the inner listener's watch, plus the clients whose handshake
     * outlives it, which it closes instead of handing over.
     */
    private final class AcceptWatch implements Watch, Consumer<IoChannel> {
        private final Consumer<IoChannel> handler;
        private final EventLoop loop;
        /** The inner listener's watch; {@code null} only until {@code onAccept} returns. */
        private volatile Watch accepting;

        private volatile boolean closed;

        AcceptWatch(Consumer<IoChannel> handler, EventLoop loop) {
            this.handler = handler;
            this.loop = loop;
        }

        /** A client from the inner listener, on the loop. */
        @Override
        public void accept(IoChannel raw) {
            start(raw, loop, this::handOver);
        }

        /**
         * Gives a client that passed to the handler, in a task of its own on the loop even when
         * the handshake ended there: run inside the handshake's completion stage, an exception
         * from the handler would vanish; from a task it reaches the loop thread's
         * uncaught-exception handler, as with any listener.
         */
        private void handOver(C layered) {
            try {
                loop.execute(() -> {
                    if (isActive() && claim(layered)) {
                        handler.accept(layered);
                    } else {
                        drop(layered);
                    }
                });
            } catch (RejectedExecutionException loopClosed) {
                drop(layered);
            }
        }

        @Override
        public boolean isActive() {
            Watch w = accepting;
            return !closed && (w == null || w.isActive());
        }

        @Override
        public void close() {
            closed = true;
            Watch w = accepting;
            if (w != null) {
                w.close();
            }
        }
    }

    @Override
    public final boolean isOpen() {
        return inner.isOpen();
    }

    /** Closes the inner listener and every client not handed out yet; see the class description. */
    @Override
    public final void close() throws IOException {
        try {
            inner.close();
        } finally {
            ready.clear();
            unclaimed.forEach(this::drop);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + (isOpen() ? "" : ", closed") + "]";
    }
}
