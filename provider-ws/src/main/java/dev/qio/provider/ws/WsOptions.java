package dev.qio.provider.ws;

import dev.qio.channel.spi.LayerUri;
import dev.qio.channel.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code ws+} layer's settings, from URI options or built by hand.
 *
 * @param path the resource: what a client asks for; on a server, the only path it accepts, or
 *     {@code null} to accept any
 * @param origins a client sends the first as {@code Origin}; a server, if any are given, refuses
 *     (403) a request whose {@code Origin} is not one of them
 * @param maxFrame the largest frame payload accepted from the peer
 * @param maxMessage the largest message (all its fragments) accepted from the peer
 * @param writeFrame the largest frame payload one write sends
 * @param acceptText whether text frames are read (their UTF-8 checked) or refused (close 1003)
 * @param handshakeTimeout how long the upgrade may take; {@link Duration#ZERO} for no limit
 */
record WsOptions(
        String path,
        List<String> origins,
        long maxFrame,
        long maxMessage,
        int writeFrame,
        boolean acceptText,
        Duration handshakeTimeout) {
    /** The options that belong to the layer; any other option goes to the inner channel's URI. */
    static final Set<String> NAMES =
            Set.of("path", "origin", "max-frame", "max-message", "write-frame", "text", "handshake-timeout");

    static final WsOptions DEFAULTS =
            new WsOptions(null, List.of(), 1 << 20, 16 << 20, 64 << 10, false, Duration.ofSeconds(10));

    /** What {@code text=} takes. */
    enum Text {
        REFUSE,
        ACCEPT
    }

    /**
     * A layered URI's options and inner URI. With an inner URI that names a host and port, the
     * URI's path is the resource ({@code ws+tcp://h:80/vnc}) and is taken off the inner URI; the
     * path of {@code unix:} names the socket, so there only {@code path=} sets the resource.
     */
    record Parsed(WsOptions options, URI inner) {}

    static Parsed parse(URI uri) {
        LayerUri split = LayerUri.split(uri, WsProvider.SCHEME, NAMES);
        UriOptions o = split.layer();
        URI inner = split.inner();
        String uriPath = null;
        if (!inner.isOpaque()
                && inner.getPort() >= 0
                && inner.getRawPath() != null
                && !inner.getRawPath().isEmpty()) {
            uriPath = inner.getRawPath();
            inner = URI.create(inner.getScheme() + "://" + inner.getRawAuthority()
                    + (inner.getRawQuery() == null ? "" : "?" + inner.getRawQuery()));
        }
        String path = o.string("path").orElse(uriPath);
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f))) {
            throw o.bad("path", "'" + path + "' is not an absolute path of printable ASCII (for example /websockify)");
        }
        List<String> origins = o.all("origin");
        long maxFrame = o.bytes("max-frame", DEFAULTS.maxFrame, 125, Long.MAX_VALUE >> 1);
        long maxMessage = o.bytes("max-message", DEFAULTS.maxMessage, 1, Long.MAX_VALUE >> 1);
        int writeFrame = (int) o.bytes("write-frame", DEFAULTS.writeFrame, 1, 16 << 20);
        boolean text = o.choice("text", Text.class, Text.REFUSE) == Text.ACCEPT;
        Duration timeout = o.millis("handshake-timeout", DEFAULTS.handshakeTimeout);
        o.finish();
        return new Parsed(new WsOptions(path, origins, maxFrame, maxMessage, writeFrame, text, timeout), inner);
    }
}
