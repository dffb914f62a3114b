package dev.qio.provider.tls;

import javax.net.ssl.SSLException;

/**
 * The peer closed the connection without TLS {@code close_notify}: the stream may have been cut
 * short by an attacker (a truncation attack), so the read fails instead of reporting end of
 * stream. Pass {@link dev.qio.channel.ReadFlag#RELAXED_EOF} to accept such an end, as QEMU does
 * for protocols that frame their own messages.
 */
public final class TlsTruncationException extends SSLException {
    private static final long serialVersionUID = 1L;

    /** @param message names the channel and the problem */
    public TlsTruncationException(String message) {
        super(message);
    }
}
