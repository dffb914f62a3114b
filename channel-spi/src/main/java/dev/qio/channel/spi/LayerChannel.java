package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import dev.qio.channel.PeerCredentials;
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
 * </ul>
 * A layer overrides a hook where it must differ. The inner channel is the layer's: its
 * {@code implClose} closes it.
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
