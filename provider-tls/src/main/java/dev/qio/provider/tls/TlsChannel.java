package dev.qio.provider.tls;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A TLS session over another channel (QEMU's {@code QIOChannelTLS}): reads return plaintext the
 * peer sent, writes send plaintext encrypted. The {@link IoChannel} contract holds as for any
 * channel, with these additions.
 *
 * <h2>Handshake</h2>
 * A channel from {@link TlsChannels#client} or {@link TlsChannels#server} has not shaken hands;
 * one from {@code IoChannels.open("tls+…")} or a {@code tls+} listener's {@code accept} has.
 * Run {@link #handshake()} (blocking) or {@link #handshakeAsync} before any I/O; a read or write
 * that comes first runs the handshake itself (in non-blocking mode it returns {@code ERR_BLOCK}
 * until the handshake is over). A failed handshake, a peer certificate that does not verify, a
 * host name that does not match, or a client that the server's {@link Authz} refuses throws
 * {@link javax.net.ssl.SSLException}; no plaintext is ever delivered before the checks pass.
 *
 * <h2>Non-blocking mode</h2>
 * A read returns the plaintext decrypted so far, or {@code ERR_BLOCK} if none is ready and the
 * inner channel has nothing to read. A write returns the plaintext it encrypted; ciphertext the
 * inner channel cannot take yet waits in this channel (up to four records, like bytes in a
 * socket's send buffer) and goes out as the inner channel makes room, even if nothing else is
 * written. A write returns {@code ERR_BLOCK}, having taken nothing, while such ciphertext still
 * waits, and {@code OUT} holds only once it has gone. As with QEMU's pending-data source, a watch
 * for {@code IN} and {@code await(IN)} are ready while decrypted plaintext is buffered, even if
 * the inner channel has nothing to read. The inner channel itself is kept non-blocking in both
 * modes (in blocking mode this channel waits on it), so {@link #setBlocking} never blocks.
 *
 * <h2>Closing</h2>
 * {@link #bye()} and {@code shutdown(WRITE)} send TLS {@code close_notify}: {@code bye} waits
 * until the inner channel took it; {@code shutdown(WRITE)} never blocks, and shuts the inner
 * channel's write side once close_notify went (from the background if the inner channel cannot
 * take it yet), so the peer reads close_notify, then the end. A peer's {@code close_notify} reads as end of stream. A peer
 * that closes the connection without it reads as {@link TlsTruncationException}, since an
 * attacker could have cut the stream short, unless the read passes
 * {@link dev.qio.channel.ReadFlag#RELAXED_EOF} or this side has shut down reading. {@code close()}
 * sends {@code close_notify} too, without blocking: what the inner channel cannot take yet goes
 * from the background. An inner channel that can shut down then lingers: its write side is shut
 * once everything went, and it stays open, dropping what arrives, until the peer's end of stream
 * (at most 5 seconds or 256 KiB), then closes. A TCP socket closed with unread input (a TLS 1.3
 * server's session tickets, which a client that only writes never reads) would reset the
 * connection and destroy the last records on their way.
 *
 * <h2>Features</h2>
 * {@code CONCURRENT_IO} where the inner channel has it; {@code SHUTDOWN} where the inner channel
 * has it and TLS 1.3 is allowed (in TLS 1.2 the JDK answers close_notify by ending both
 * directions, so there is no half-close); never {@code FD_PASS}, {@code SEEKABLE} or
 * {@code READ_MSG_PEEK}.
 */
public interface TlsChannel extends IoChannel {
    /**
     * Runs the handshake to the end, waiting for the inner channel as needed (in either mode),
     * then checks the peer. Returns at once if it is already done.
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails: the peer certificate
     *     does not verify, the host name does not match, the client sent no certificate where
     *     one is required, or the server's {@link Authz} refuses it (the message names the
     *     certificate's subject and the globs; the client gets a TLS alert)
     */
    void handshake() throws IOException;

    /**
     * Runs the handshake on {@code loop}, in non-blocking mode, waking on the inner channel's
     * readiness (QEMU's handshake task); this thread returns at once. The channel's blocking mode
     * is restored when the future completes. Do no I/O on the channel until then.
     *
     * @return completes with this channel, or exceptionally with what {@link #handshake()} would
     *     throw; also if the channel is closed meanwhile
     */
    CompletableFuture<TlsChannel> handshakeAsync(EventLoop loop);

    /** Whether the handshake has completed and the peer passed the checks. */
    boolean isHandshakeComplete();

    /**
     * Sends TLS {@code close_notify}, waiting for the inner channel to take it (QEMU's
     * {@code qio_channel_tls_bye}); the connection stays open for reading (TLS 1.3 lets the peer
     * go on writing; a TLS 1.2 peer answers with its own {@code close_notify}). Writes afterwards
     * fail. Does nothing if already sent.
     *
     * @throws IllegalStateException if the handshake has not completed
     */
    void bye() throws IOException;

    /**
     * The negotiated session: protocol, cipher suite, peer certificates.
     *
     * @throws IllegalStateException if the handshake has not completed
     */
    SSLSession session();
}
