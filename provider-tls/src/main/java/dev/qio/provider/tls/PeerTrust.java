package dev.qio.provider.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** The two trust managers {@link TlsCredentials} builds beside the JDK's: trust-all and a server's check of clients. */
final class PeerTrust {
    private PeerTrust() {}

    /** Accepts every server: what {@code verify-peer=false} asks for on a client. */
    static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * A server's check of client certificates: the CA chain (unless verify-peer is off), then the
     * authz list if there is one, inside the handshake, so that a refused client gets a TLS alert
     * (certificate_unknown) and its handshake fails, rather than a connection that drops after
     * the handshake.
     *
     * <p>It names no accepted issuers, so the server's CertificateRequest carries no
     * {@code certificate_authorities}: with a list, GnuTLS 3.7 (QEMU's TLS) picks a client
     * certificate only if the request's {@code signature_algorithms} name its key type, and for
     * an RSA key in TLS 1.3 only {@code rsa_pkcs1_*} does (it files {@code rsa_pss_rsae_*} under
     * RSA-PSS keys), which JDK 25 no longer sends in TLS 1.3; without a list, a client with one
     * certificate sends it. The list is a hint for choosing among certificates; what is accepted
     * is unchanged. See docs/DESIGN.md.
     */
    static final class ClientTrustManager extends X509ExtendedTrustManager {
        /** The CA check, or {@code null} when only the authz list checks. */
        private final X509ExtendedTrustManager chain;
        /** The DN globs a certificate must match, or {@code null} for none. */
        private final Authz authz;

        ClientTrustManager(X509ExtendedTrustManager chain, Authz authz) {
            this.chain = chain;
            this.authz = authz;
        }

        private void allow(X509Certificate[] peer) throws CertificateException {
            if (authz == null) {
                return;
            }
            if (peer == null || peer.length == 0) {
                throw new CertificateException("no client certificate, and authz " + authz.globs() + " needs one");
            }
            var subject = peer[0].getSubjectX500Principal();
            if (!authz.allows(subject)) {
                throw new CertificateException(
                        "client certificate '" + subject.getName() + "' is not allowed by authz " + authz.globs());
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] peer, String authType, SSLEngine e)
                throws CertificateException {
            if (chain != null) {
                chain.checkClientTrusted(peer, authType, e);
            }
            allow(peer);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] peer, String authType, Socket s) throws CertificateException {
            if (chain != null) {
                chain.checkClientTrusted(peer, authType, s);
            }
            allow(peer);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] peer, String authType) throws CertificateException {
            if (chain != null) {
                chain.checkClientTrusted(peer, authType);
            }
            allow(peer);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            throw new CertificateException("a server's trust manager checks clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e)
                throws CertificateException {
            throw new CertificateException("a server's trust manager checks clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server's trust manager checks clients only");
        }

        /** None, on purpose: see the class description. */
        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
