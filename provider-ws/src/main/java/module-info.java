/**
 * The {@code ws+} layer: WebSocket (RFC 6455) as a byte stream over any qio channel
 * ({@code ws+tcp://}, {@code ws+unix://}, {@code ws+mem://}, {@code ws+tls+tcp://}), QEMU's
 * QIOChannelWebsock. {@code listen} is the server (what a browser's {@code new WebSocket(…)}
 * reaches, as noVNC reaches QEMU's VNC server); {@code open} is the client.
 *
 * <p>Exports {@code dev.qio.provider.ws}: the {@link dev.qio.provider.ws.WsChannel} view with its
 * handshake, and the exceptions that carry a close code or an HTTP status. Opening by URI needs
 * none of it.
 */
module dev.qio.provider.ws {
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    exports dev.qio.provider.ws;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.ws.WsProvider;
}
