package dev.qio.provider.ws;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerListener;
import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * A {@code ws+} listener (QEMU's websock server): the inner listener's connections come out as
 * WebSocket server channels whose upgrade is done.
 *
 * <p>A blocking {@link #accept()} runs the upgrade on the calling thread; a client whose request
 * is refused (it gets the HTTP status first) makes that call throw {@link WsHandshakeException},
 * and the listener stays open for the next one. In non-blocking mode and with {@link #onAccept}
 * the upgrade runs on an event loop, off the accept path, and only clients that passed are
 * handed out. The {@code handshake-timeout} option bounds each upgrade, so a client that
 * connects and says nothing is dropped. The rules are {@link LayerListener}'s.
 */
final class WsListener extends LayerListener<WsChannel> {
    private final WsOptions options;

    WsListener(IoListener inner, WsOptions options) {
        super(WsProvider.SCHEME, inner);
        this.options = options;
    }

    @Override
    protected WsChannel wrap(IoChannel inner) throws IOException {
        return new FramedChannel(inner, false, options, null);
    }

    @Override
    protected void handshake(WsChannel channel) throws IOException {
        channel.handshake();
    }

    @Override
    protected CompletionStage<?> handshakeAsync(WsChannel channel, EventLoop loop) {
        return channel.handshakeAsync(loop);
    }
}
