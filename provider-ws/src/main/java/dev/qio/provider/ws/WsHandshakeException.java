package dev.qio.provider.ws;

import java.io.IOException;

/**
 * The HTTP upgrade that opens a WebSocket failed. On a server, the client's request was refused
 * with {@link #status()} (the reply was sent before this was thrown); on a client, the server
 * answered {@link #status()} instead of 101, or answered 101 with headers that do not prove it
 * speaks WebSocket. {@link #status()} is 0 when no status applies (the peer hung up, the
 * handshake timed out).
 */
public final class WsHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    WsHandshakeException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status sent (server) or received (client), or 0. */
    public int status() {
        return status;
    }
}
