package dev.qio.provider.tls;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.InnerInput;
import dev.qio.channel.spi.LayerChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * {@link TlsChannel} on an {@link SSLEngine}: ciphertext moves through the inner channel, the
 * engine turns it into plaintext and back (QEMU's {@code io/channel-tls.c} with the JDK in
 * GnuTLS's place). This class is the facade; the session lives in four parts, as the JDK's
 * {@code SSLSocketImpl} fronts its transport context and record classes: {@link Handshake} drives
 * the handshake, {@link Inbound} owns the records read (under the base's read lock),
 * {@link Outbound} the records written and their flusher (under its own close-aware lock), and
 * {@link TlsReadiness} amends the inner channel's readiness.
 *
 * <h2>Modes</h2>
 * The inner channel stays non-blocking whatever this channel's mode; in blocking mode this
 * channel waits with the inner channel's {@code await}. So switching modes never blocks, and
 * ciphertext that a non-blocking write left waiting can be pushed out from the shared loop (the
 * flusher) without that loop ever blocking. A hand-made inner channel whose readiness is not
 * visible is the exception: it keeps this channel's mode, and this channel stays blocking.
 *
 * <p>The hints and the peer's pid and credentials are the inner channel's ({@link LayerChannel}):
 * {@code tls+unix:} reports the unix peer's; the certificate the peer presented is in
 * {@link #session()}.
 */
final class SslEngineChannel extends LayerChannel implements TlsChannel {
    /** Whether the inner channel's readiness is visible; {@code false} for a hand-made inner channel. */
    private final boolean watchable;
    /** The inner channel's readiness, or {@code null} for a hand-made inner channel. */
    private final Readiness innerReadiness;

    private final SSLEngine engine;
    private final Handshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    /** Signalled by the parts when readiness changes while the inner channel is quiet. */
    private final SignalledReadiness own;

    private final Readiness readiness;

    SslEngineChannel(IoChannel inner, SSLEngine engine) throws IOException {
        super("tls+" + inner.name(), inner);
        this.engine = engine;
        this.innerReadiness = readinessOf(inner).orElse(null);
        this.watchable = innerReadiness != null;
        this.own = new SignalledReadiness(() -> ConditionMask.set(0));
        this.outbound = new Outbound(name(), engine, inner, innerReadiness, this::isBlocking, own);
        this.inbound = new Inbound(name(), engine, inner, innerReadiness, outbound, this::readsWait, own);
        Runnable readAhead = inbound::readAhead; // made once: a poll must not allocate
        this.handshake = new Handshake(name(), engine, inner, inbound, outbound, watchable, own);
        this.readiness = watchable
                ? new TlsReadiness(innerReadiness, own, handshake, inbound, outbound, () -> tryReadLocked(readAhead))
                : SignalledReadiness.alwaysReady();
        if (inner.hasFeature(Feature.SHUTDOWN)
                && List.of(engine.getEnabledProtocols()).contains("TLSv1.3")) {
            // Half-close needs TLS 1.3: in 1.2 the JDK answers a close_notify with its own and
            // ends both directions, so a session that can only be 1.2 does not claim SHUTDOWN.
            setFeature(Feature.SHUTDOWN);
        }
        if (inner.hasFeature(Feature.CONCURRENT_IO)) {
            setFeature(Feature.CONCURRENT_IO); // SSLEngine lets wrap and unwrap run at once
        }
        if (watchable) {
            inner.setBlocking(false); // this channel waits on the inner one itself; see the class description
        }
        handshake.begin();
    }

    // ---- handshake --------------------------------------------------------------------------

    @Override
    public void handshake() throws IOException {
        ensureOpen();
        handshake.run();
    }

    @Override
    public CompletableFuture<TlsChannel> handshakeAsync(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (handshake.done()) {
            return CompletableFuture.completedFuture(this);
        }
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        return handshake.runAsync(this, loop);
    }

    @Override
    public boolean isHandshakeComplete() {
        return handshake.done();
    }

    /** I/O before the handshake runs it: all of it in blocking mode, as far as it goes otherwise. */
    private boolean handshakeFirst() throws IOException {
        if (isBlocking()) {
            handshake();
            return true;
        }
        return handshake.advance();
    }

    @Override
    public SSLSession session() {
        if (!handshake.done()) {
            throw new IllegalStateException(name() + ": no TLS session before the handshake completed");
        }
        return engine.getSession();
    }

    // ---- reads and writes -------------------------------------------------------------------

    /** Whether a read that meets ERR_BLOCK waits on the inner channel: in blocking mode, after the handshake. */
    private boolean readsWait() {
        return isBlocking() && handshake.done();
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!handshake.done() && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        try {
            return inbound.read(iov, flags.contains(ReadFlag.RELAXED_EOF));
        } finally {
            inbound.updateBuffered();
        }
    }

    /** See {@link Outbound#write}: non-blocking writes leave ciphertext to the flusher. */
    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (!handshake.done() && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        return outbound.write(iov);
    }

    // ---- closing ----------------------------------------------------------------------------

    @Override
    public void bye() throws IOException {
        ensureOpen();
        if (!handshake.done()) {
            throw new IllegalStateException(name() + ": bye before the TLS handshake completed");
        }
        outbound.bye();
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how.reads()) {
            inbound.shut(); // the inner EOF that follows is ours, not a truncation
        }
        if (how.writes() && handshake.done()) {
            outbound.shutWrites(); // shuts the inner write side once close_notify went
            if (how.reads()) {
                inner.shutdown(Shutdown.READ);
            }
        } else {
            inner.shutdown(how);
        }
        own.signal();
    }

    /**
     * Sends close_notify without blocking and hands the inner channel on: to the flusher where it
     * cannot take it yet, then to the linger, which closes it once the peer has ended too
     * ({@link Outbound#closeNotifyOrLinger}). Before the handshake the inner channel closes at
     * once.
     */
    @Override
    protected void implClose() throws IOException {
        boolean handedOver = false;
        try {
            boolean readerParked = inbound.closing();
            handedOver = handshake.done() && outbound.closeNotifyOrLinger(readerParked);
        } finally {
            try {
                if (!handedOver) {
                    if (watchable) {
                        InnerInput.dropUnread(inner, innerReadiness); // a hand-made inner channel may be blocking
                    }
                    inner.close();
                }
            } finally {
                handshake.closed();
                own.signal();
            }
        }
    }

    // ---- modes, hints, readiness ------------------------------------------------------------

    @Override
    protected void implSetBlocking(boolean blocking) throws IOException {
        if (!watchable) {
            if (!blocking) {
                throw new UnsupportedOperationException(name()
                        + ": non-blocking TLS needs to see the inner channel's readiness;" + " "
                        + inner.getClass().getName() + " does not extend dev.qio.channel.spi.AbstractIoChannel");
            }
            inner.setBlocking(true);
        }
        // otherwise the inner channel stays non-blocking; this channel's reads and writes wait on it
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }
}
