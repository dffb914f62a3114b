package dev.qio.provider.tls;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerListener;
import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * A {@code tls+} listener: the inner listener's connections come out as TLS server channels whose
 * handshake is done.
 *
 * <p>A blocking {@link #accept()} shakes hands on the calling thread; a client whose handshake
 * fails (or whom authz refuses) makes that call throw, naming the client, and the listener stays
 * open for the next one. In non-blocking mode {@code accept()} starts the handshake of every
 * pending client on {@link EventLoop#shared()} and returns one whose handshake has finished, or
 * {@code null}; clients that fail are closed. {@link #onAccept} hands over only clients that
 * passed, on the given loop. Closing the listener closes the clients still in their handshake
 * (the rules are {@link LayerListener}'s).
 */
final class TlsListener extends LayerListener<TlsChannel> {
    private final TlsCredentials credentials;
    private final Authz authz;

    TlsListener(IoListener inner, TlsCredentials credentials, Authz authz) {
        super(TlsProvider.SCHEME, inner);
        this.credentials = credentials;
        this.authz = authz;
    }

    @Override
    protected TlsChannel wrap(IoChannel inner) throws IOException {
        return TlsChannels.server(inner, credentials, authz);
    }

    @Override
    protected void handshake(TlsChannel channel) throws IOException {
        channel.handshake();
    }

    @Override
    protected CompletionStage<?> handshakeAsync(TlsChannel channel, EventLoop loop) {
        return channel.handshakeAsync(loop);
    }
}
