package dev.qio.provider.ws;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket connection (RFC 6455) used as a byte stream (QEMU's {@code QIOChannelWebsock}):
 * reads return the payload of the peer's data frames, with frame and message boundaries erased;
 * writes send binary frames. The {@link IoChannel} contract holds as for any channel, with these
 * additions.
 *
 * <h2>Handshake</h2>
 * A channel from {@code IoChannels.open("ws+…")} or a {@code ws+} listener's {@code accept} has
 * done the HTTP upgrade. The upgrade fails with {@link WsHandshakeException}, naming the HTTP
 * status (a server sends it before failing: 400 for a malformed request, 404 for another path,
 * 405 for a method other than GET, 426 with {@code Sec-WebSocket-Version: 13} for another
 * version, 431 for a request over 8 KiB), or when it takes longer than the
 * {@code handshake-timeout} option.
 *
 * <h2>Framing</h2>
 * One {@code writev} sends one FIN binary frame of the bytes it takes: all of them, up to the
 * {@code write-frame} option (64 KiB by default); a client masks each frame with a fresh key.
 * Reads accept binary frames, fragmented messages and (with {@code text=accept}) text frames,
 * whose UTF-8 is checked across fragments. Pings are answered with pongs by whichever read sees
 * them; pongs are dropped. A frame that breaks the protocol (reserved bits, an unknown opcode,
 * an unmasked frame from a client or a masked one from a server, a control frame over 125 bytes
 * or fragmented, a continuation without a message, a frame over {@code max-frame} or a message
 * over {@code max-message}, a text frame under {@code text=refuse}, invalid UTF-8) makes this side
 * send a close frame with the matching code and the read throw {@link WsCloseException}.
 *
 * <h2>Closing</h2>
 * A close frame from the peer with code 1000 or 1001, or none, reads as end of stream; any other
 * code throws {@link WsCloseException} and is echoed back at once. {@code shutdown(WRITE)} sends
 * a close frame (1000) and then half-closes the inner channel; writes afterwards fail; the peer's
 * data still reads until its close frame. {@code close()} sends a close frame too, without
 * blocking: if the inner channel cannot take it yet, the inner channel stays open (shut for
 * reading) until it has gone. The inner channel ending without a close frame throws
 * {@link WsCloseException} with code 1006, unless the read passes
 * {@link dev.qio.channel.ReadFlag#RELAXED_EOF} or this side shut down reading.
 *
 * <h2>Features</h2>
 * {@code SHUTDOWN} and {@code CONCURRENT_IO} where the inner channel has them; never
 * {@code FD_PASS}, {@code SEEKABLE} or {@code READ_MSG_PEEK}.
 */
public interface WsChannel extends IoChannel {
    /**
     * Runs the HTTP upgrade to the end, waiting for the inner channel as needed. Returns at once
     * if it is already done.
     *
     * @throws WsHandshakeException if the upgrade fails or times out
     */
    void handshake() throws IOException;

    /**
     * Runs the upgrade on {@code loop}, never blocking it (QEMU's handshake task); this thread
     * returns at once. Do no I/O on the channel until the future completes.
     *
     * @return completes with this channel, or exceptionally with what {@link #handshake()} would
     *     throw; also if the channel is closed meanwhile
     */
    CompletableFuture<WsChannel> handshakeAsync(EventLoop loop);

    /** Whether the upgrade has completed. */
    boolean isHandshakeComplete();

    /** Whether this is the client end (it masks what it sends). */
    boolean isClient();

    /**
     * The subprotocol agreed in the upgrade: {@code binary} if the client offered it (qio's
     * client always does), else empty.
     *
     * @throws IllegalStateException before the upgrade completed
     */
    String subprotocol();
}
