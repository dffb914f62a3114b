package dev.qio.provider.tls;

import static dev.qio.channel.IoChannel.EOF;
import static dev.qio.channel.IoChannel.ERR_BLOCK;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The handshake driver of a TLS session: steps the engine as far as the inner channel allows,
 * queueing flights through {@link Outbound} and reading through {@link Inbound}, and remembers
 * what it waits for ({@link #wants()}) so that readiness and the asynchronous handshake know
 * which condition of the inner channel moves it on. A failure is kept and thrown again to every
 * later attempt. Its state is guarded by its own lock; the flags read by readiness are volatile.
 */
final class Handshake {
    private final String name;
    private final SSLEngine engine;
    private final IoChannel inner;
    private final Inbound inbound;
    private final Outbound outbound;
    /** Whether the inner channel's readiness is visible (it is then non-blocking). */
    private final boolean watchable;
    /** Signalled (wakes level watches, which re-poll) when what the handshake waits for changes. */
    private final SignalledReadiness own;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean done;
    /** What the handshake waits for on the inner channel; {@code null} before the first try. */
    private volatile IoCondition wants;

    private volatile IOException failure;
    private volatile CompletableFuture<TlsChannel> pending;
    /** The handshake's JFR event while one is being recorded, else {@code null}; guarded by lock. */
    private TlsHandshakeEvent event;

    Handshake(
            String name,
            SSLEngine engine,
            IoChannel inner,
            Inbound inbound,
            Outbound outbound,
            boolean watchable,
            SignalledReadiness own) {
        this.name = name;
        this.engine = engine;
        this.inner = inner;
        this.inbound = inbound;
        this.outbound = outbound;
        this.watchable = watchable;
        this.own = own;
    }

    /** Starts the engine's handshake and its JFR event. */
    void begin() throws SSLException {
        event = TlsHandshakeEvent.start();
        engine.beginHandshake();
    }

    boolean done() {
        return done;
    }

    /** What the handshake waits for on the inner channel; {@code null} before the first try. */
    IoCondition wants() {
        return wants;
    }

    /** Whether the handshake failed (it then moves no more: every attempt throws at once). */
    boolean failed() {
        return failure != null;
    }

    /** Runs the handshake to its end, waiting on the inner channel. */
    void run() throws IOException {
        while (!advance()) {
            inner.await(wants);
        }
    }

    /** Runs the handshake on {@code loop}, one turn each time the inner channel is ready. */
    CompletableFuture<TlsChannel> runAsync(TlsChannel channel, EventLoop loop) {
        CompletableFuture<TlsChannel> future = new CompletableFuture<>();
        pending = future;
        loop.execute(() -> step(channel, future, loop));
        return future;
    }

    /**
     * One turn of the asynchronous handshake on its loop. With a non-blocking inner channel each
     * turn returns as soon as the inner channel would block; a hand-made inner channel (which
     * keeps blocking mode) runs the whole handshake in one turn.
     */
    private void step(TlsChannel channel, CompletableFuture<TlsChannel> future, EventLoop loop) {
        if (future.isDone()) {
            return;
        }
        try {
            if (advance()) {
                future.complete(channel);
                return;
            }
            inner.addWatch(
                    Set.of(wants),
                    (ch, ready) -> {
                        step(channel, future, loop);
                        return false;
                    },
                    loop);
        } catch (IOException | RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    /** Fails an asynchronous handshake still running: the channel closed under it. */
    void closed() {
        CompletableFuture<TlsChannel> future = pending;
        if (future != null && !future.isDone()) {
            AsynchronousCloseException closed = new AsynchronousCloseException();
            closed.initCause(new IOException(name + ": closed during the TLS handshake"));
            future.completeExceptionally(closed);
        }
    }

    /**
     * Moves the handshake on as far as the inner channel allows.
     *
     * @return whether it is over; if not, {@link #wants()} says which condition of the inner
     *     channel to wait for
     */
    boolean advance() throws IOException {
        lock.lock();
        try {
            return advanceLocked(true);
        } finally {
            lock.unlock();
        }
    }

    /**
     * For readiness: {@link #advance} when no other thread is moving the handshake, without
     * waiting for the lock and without signalling the waiters (the poll is what they run). A
     * failure is kept for the next read or write to throw, as {@link #advance} keeps it; any other
     * exception is left for them to meet again.
     *
     * @return whether it moved the handshake (it got the lock, and no exception ended the move)
     */
    boolean advanceFromPoll() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            advanceLocked(false);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #advance} under the lock; {@code signal}: whether to tell the waiters what it waits for now. */
    private boolean advanceLocked(boolean signal) throws IOException {
        if (done) {
            return true;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            IoCondition next;
            while ((next = step()) == null) {
                if (done) {
                    return true;
                }
            }
            wants = next;
            if (signal) {
                own.signal(); // waiters now wait for what the handshake wants
            }
            return false;
        } catch (SSLException e) {
            outbound.sendAlert();
            SSLHandshakeException failed =
                    new SSLHandshakeException(name + ": TLS handshake failed: " + e.getMessage());
            failed.initCause(e);
            failure = failed;
            TlsHandshakeEvent.finish(event, name, engine, failed);
            throw failed;
        }
    }

    /** One step: {@code null} to go on (or when done), else the inner condition to wait for. */
    private IoCondition step() throws IOException {
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> runTasks(engine);
            case NEED_WRAP -> outbound.queueHandshake();
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                SSLEngineResult r = inbound.unwrapToAppIn();
                if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                    if (!flush()) {
                        return IoCondition.OUT; // what the peer waits for goes out first
                    }
                    long n = inbound.fill();
                    if (n == ERR_BLOCK) {
                        return IoCondition.IN;
                    }
                    if (n == EOF) {
                        throw new SSLHandshakeException("the peer closed the connection during the handshake");
                    }
                } else if (r.getStatus() == Status.CLOSED) {
                    throw new SSLHandshakeException("the peer closed the TLS session during the handshake");
                }
            }
            case FINISHED, NOT_HANDSHAKING -> {
                if (!flush()) {
                    return IoCondition.OUT;
                }
                finish();
            }
        }
        return null;
    }

    private void finish() throws IOException {
        if (watchable) {
            // One more read, kept in netIn if it brings data: when it meets ERR_BLOCK the inner
            // channel learns it is drained and stops reporting the IN left over from the
            // handshake's last read, so a watch for data waits for data.
            inbound.fill();
        }
        int app = engine.getSession().getApplicationBufferSize(); // as negotiated
        inbound.sessionSized(app);
        outbound.sessionSized(app, engine.getSession().getPacketBufferSize());
        // Before done: from done on, a poll may read ahead and set what is buffered itself.
        inbound.updateBuffered();
        done = true;
        own.signal(); // waiters now wait for data, not for the handshake
        TlsHandshakeEvent.finish(event, name, engine, null);
    }

    /**
     * Sends the handshake records queued so far; false if the inner channel would block first. A
     * failed write reports the alert the peer sent before it hung up, when there is one.
     */
    private boolean flush() throws IOException {
        try {
            return outbound.flushNow();
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw peerAlertOr(e);
        }
    }

    /**
     * A handshake write failed (the peer hung up, "broken pipe"): the peer usually sent an alert
     * saying why before it went, so read what is left and let the engine report that alert.
     */
    private IOException peerAlertOr(IOException writeFailure) {
        try {
            for (int i = 0; i < 8; i++) {
                inbound.unwrapToAppIn();
                if (inbound.fill() < 0) {
                    break;
                }
            }
        } catch (SSLException alert) {
            alert.addSuppressed(writeFailure);
            return alert;
        } catch (IOException | RuntimeException nothingMore) {
            writeFailure.addSuppressed(nothingMore);
        }
        return writeFailure;
    }

    /** Runs the tasks the engine delegates, on the calling thread. */
    static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
