package dev.qio.provider.tls;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.util.Objects;

/**
 * Wraps a channel the caller already has in TLS (QEMU's {@code qio_channel_tls_new_client} and
 * {@code _new_server}). The returned channel owns {@code inner}: closing it closes {@code inner}.
 * It has not shaken hands yet; call {@link TlsChannel#handshake()} or
 * {@link TlsChannel#handshakeAsync}. To open a TLS connection by URI instead, use
 * {@code IoChannels.open("tls+tcp://host:port?creds-dir=…")}, which hands back a channel whose
 * handshake is done.
 */
public final class TlsChannels {
    private TlsChannels() {}

    /**
     * The client end of a TLS session over {@code inner}.
     *
     * @param hostname the name the server's certificate must carry (DNS name or IP address; sent
     *     as SNI when it is a name), or {@code null} to check the certificate chain only (as QEMU
     *     does without a host name)
     */
    public static TlsChannel client(IoChannel inner, TlsCredentials credentials, String hostname) throws IOException {
        return client(inner, credentials, hostname, -1);
    }

    /**
     * The client end of a TLS session over {@code inner} that can resume an earlier session with
     * the same server: sessions are kept, per {@link TlsCredentials} instance, under
     * {@code hostname} and {@code port}, and a later client with the same credentials, name and
     * port offers the kept session (TLS 1.3: the server's ticket) instead of a full handshake.
     * {@code IoChannels.open("tls+tcp://HOST:PORT?...")} passes the URI's port.
     *
     * @param hostname as in {@link #client(IoChannel, TlsCredentials, String)}; {@code null}: no
     *     resumption
     * @param port the server's port, or -1 for no resumption
     */
    public static TlsChannel client(IoChannel inner, TlsCredentials credentials, String hostname, int port)
            throws IOException {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(credentials, "credentials");
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port (0 to 65535) or -1");
        }
        return new SslEngineChannel(inner, credentials.newEngine(true, hostname, port, null));
    }

    /**
     * The server end of a TLS session over {@code inner}.
     *
     * @param authz which client certificates to accept; {@code null} for any the CAs verify (or
     *     none at all without verify-peer). With an authz list a client certificate is required.
     * @throws IllegalArgumentException if the credentials have no server certificate
     */
    public static TlsChannel server(IoChannel inner, TlsCredentials credentials, Authz authz) throws IOException {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(credentials, "credentials");
        return new SslEngineChannel(inner, credentials.newEngine(false, null, -1, authz));
    }

    /** As {@link #server(IoChannel, TlsCredentials, Authz)} without an authz list. */
    public static TlsChannel server(IoChannel inner, TlsCredentials credentials) throws IOException {
        return server(inner, credentials, null);
    }
}
