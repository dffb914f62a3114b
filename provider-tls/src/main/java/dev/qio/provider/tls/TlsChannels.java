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
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(credentials, "credentials");
        return new SslEngineChannel(inner, credentials.newEngine(true, hostname, null));
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
        return new SslEngineChannel(inner, credentials.newEngine(false, null, authz));
    }

    /** As {@link #server(IoChannel, TlsCredentials, Authz)} without an authz list. */
    public static TlsChannel server(IoChannel inner, TlsCredentials credentials) throws IOException {
        return server(inner, credentials, null);
    }
}
