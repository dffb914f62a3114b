package dev.qio.provider.ws;

import java.io.IOException;

/**
 * A WebSocket connection ended abnormally: the peer sent a close frame with a code other than
 * 1000 (normal) or 1001 (going away), or this side found a protocol violation in what the peer
 * sent and closed with a code of its own. The message names the channel, the code, its meaning
 * and the reason. Once thrown by a read, every later read throws it again.
 */
public final class WsCloseException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The close code (RFC 6455 section 7.4), e.g. 1002 for a protocol error. */
    private final int code;

    private final String reason;
    private final boolean fromPeer;

    WsCloseException(String message, int code, String reason, boolean fromPeer) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.fromPeer = fromPeer;
    }

    /** The close code: the peer's, or the one this side sent. */
    public int code() {
        return code;
    }

    /** The close reason, possibly empty; never {@code null}. */
    public String reason() {
        return reason;
    }

    /** Whether the peer closed (true) or this side closed because of what the peer sent (false). */
    public boolean fromPeer() {
        return fromPeer;
    }
}
