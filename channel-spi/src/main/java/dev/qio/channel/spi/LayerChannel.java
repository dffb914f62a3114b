package dev.qio.channel.spi;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.PeerCredentials;
import dev.qio.channel.Shutdown;
import java.io.IOException;
import java.util.Objects;

/**
 * The base of a channel layered over another one ({@code tls+}, {@code ws+}, {@code fault+}): what
 * every layer passes down to the channel under it, written once.
 *
 * <ul>
 *   <li>The hints ({@code setDelay}, {@code setCork}) go to the inner channel, whose transport is
 *       the one they tune.
 *   <li>The peer's identity ({@code peerPid}, {@code peerCredentials}) is the inner channel's: a
 *       layer changes what the bytes mean, not which process sends them, so {@code tls+unix:}
 *       reports the unix peer's credentials and {@code tls+tcp:} refuses as {@code tcp:} does,
 *       with the inner channel's message.
 *   <li>The blocking mode is the inner channel's ({@code implSetBlocking} sets it there), so the
 *       layer's reads and writes block or return ERR_BLOCK as the inner ones do.
 *   <li>{@code shutdown} shuts the inner channel down (the feature gate decides whether it is
 *       offered), and {@code close} closes it: the inner channel is the layer's.
 * </ul>
 * A layer overrides a hook where it must differ: one that keeps the inner channel non-blocking
 * and waits on it itself, or that has something to send before it shuts down or closes.
 */
public abstract class LayerChannel extends AbstractIoChannel {
    /** The channel under this one, owned by it. */
    protected final IoChannel inner;

    /**
     * @param name this channel's name
     * @param inner the channel under it, which it now owns
     */
    protected LayerChannel(String name, IoChannel inner) {
        super(name);
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /**
     * For a layer whose mode follows the inner channel's (the default {@link #implSetBlocking}):
     * takes each of {@code features} that the inner channel has, and puts the inner channel in
     * blocking mode, since this channel starts in it. Call while constructing.
     *
     * @throws IllegalStateException if the inner channel cannot be put in blocking mode
     */
    protected final void followInner(Feature... features) {
        for (Feature f : features) {
            if (inner.hasFeature(f)) {
                setFeature(f);
            }
        }
        if (!inner.isBlocking()) {
            try {
                inner.setBlocking(true);
            } catch (IOException e) {
                throw new IllegalStateException(name() + ": cannot put " + inner.name() + " in blocking mode", e);
            }
        }
    }

    /** Sets the inner channel's mode. */
    @Override
    protected void implSetBlocking(boolean blocking) throws IOException {
        inner.setBlocking(blocking);
    }

    /** Shuts the inner channel down. */
    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        inner.shutdown(how);
    }

    /** Closes the inner channel, which wakes whatever waits in it and signals its readiness. */
    @Override
    protected void implClose() throws IOException {
        inner.close();
    }

    /** Passes the hint to the inner channel. */
    @Override
    protected void implSetDelay(boolean enabled) {
        inner.setDelay(enabled);
    }

    /** Passes the hint to the inner channel. */
    @Override
    protected void implSetCork(boolean enabled) {
        inner.setCork(enabled);
    }

    /** The inner channel's peer pid. */
    @Override
    protected long implPeerPid() throws IOException {
        return inner.peerPid();
    }

    /** The inner channel's peer credentials. */
    @Override
    protected PeerCredentials implPeerCredentials() throws IOException {
        return inner.peerCredentials();
    }
}
