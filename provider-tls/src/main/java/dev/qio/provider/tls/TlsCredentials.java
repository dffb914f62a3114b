package dev.qio.provider.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a TLS endpoint proves and trusts (QEMU's {@code tls-creds-x509} object): CA certificates to
 * verify the peer, a certificate and key to present, whether to verify the peer, and the protocol
 * versions and cipher suites to allow. Immutable; files are read and checked when it is built, so
 * a missing file, a key that does not match its certificate or a wrong password fails there, with
 * the file's name. With an {@link Endpoint} only that end's files of a directory are read, as
 * QEMU's credentials do, so a client can use a directory whose server key it cannot read.
 *
 * <h2>A credentials directory</h2>
 * {@link #fromDirectory} reads QEMU's layout: {@code ca-cert.pem} (the CAs that verify the peer),
 * {@code server-cert.pem} and {@code server-key.pem} (what a server presents),
 * {@code client-cert.pem} and {@code client-key.pem} (what a client presents, optional). One
 * directory can serve both ends.
 *
 * <h2>Defaults</h2>
 * Peers are verified: a client checks the server's chain against the CAs (the JDK's default
 * trust store when none are given) and, when it has a host name, the name; a server requires a
 * client certificate signed by the CAs. {@code verifyPeer(false)} turns both off: a client then
 * accepts any server (for tests only) and a server asks for no certificate. Protocols are TLS 1.3
 * and TLS 1.2; cipher suites are the JDK's defaults for those.
 *
 * <p>The file runs past 400 lines because its public {@link Builder} (every option, checked where
 * it is set) is nested here, as the API names it; the trust managers live in {@code PeerTrust}.
 */
public final class TlsCredentials {
    /** Which end of connections credentials serve (QEMU's {@code endpoint} property). */
    public enum Endpoint {
        /** Connects: presents {@code client-cert.pem} if the directory has one. */
        CLIENT,
        /** Listens: presents {@code server-cert.pem}. */
        SERVER
    }

    /** The protocol versions allowed unless {@link Builder#protocols} says otherwise. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final List<X509Certificate> trust;
    private final Pem.Identity serverIdentity;
    private final Pem.Identity clientIdentity;
    private final boolean verifyPeer;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final String source;
    /** Built on first use per end; an SSLContext is thread-safe and costly to make. */
    private volatile SSLContext clientContext;
    /** Server contexts by authz list ({@link #NO_AUTHZ} for none): the list lives in the trust manager. */
    private final java.util.concurrent.ConcurrentHashMap<Object, SSLContext> serverContexts =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final Object NO_AUTHZ = new Object();

    private TlsCredentials(Builder b, Pem.Identity server, Pem.Identity client, List<X509Certificate> trust) {
        this.trust = trust;
        this.serverIdentity = server;
        this.clientIdentity = client;
        this.verifyPeer = b.verifyPeer;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.source = b.directory != null ? b.directory.toString() : "TLS credentials";
    }

    /** The credentials in a directory of QEMU's layout (see the class description), with the defaults. */
    public static TlsCredentials fromDirectory(Path dir) throws IOException {
        return builder().directory(dir).build();
    }

    /** A builder with the defaults: no files, verify-peer on, TLS 1.3 and 1.2. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the peer is verified. */
    public boolean verifyPeer() {
        return verifyPeer;
    }

    /** The allowed protocol versions, e.g. {@code [TLSv1.3, TLSv1.2]}. */
    public List<String> protocols() {
        return protocols;
    }

    /** The allowed cipher suites; empty for the JDK's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** The CA certificates peers are verified against; empty for the JDK's default trust store. */
    public List<X509Certificate> trustedCertificates() {
        return trust;
    }

    /** Whether there is a certificate to present as a server. */
    public boolean hasServerIdentity() {
        return serverIdentity != null;
    }

    /** Whether there is a certificate to present as a client. */
    public boolean hasClientIdentity() {
        return clientIdentity != null;
    }

    /**
     * A new engine for one end of one connection.
     *
     * @param hostname the server name a client checks and sends as SNI; {@code null} for none
     * @param port (clients) the server's port, or -1: with {@code hostname}, the key under which the
     *     client context keeps the session for resumption; without a port nothing is resumed
     * @param authz (servers) the client certificates to accept, or {@code null}; with a list a
     *     client certificate is required even without verify-peer
     */
    SSLEngine newEngine(boolean client, String hostname, int port, Authz authz) throws IOException {
        SSLEngine engine;
        if (client) {
            engine = hostname == null
                    ? clientContext().createSSLEngine()
                    : clientContext().createSSLEngine(hostname, port);
            engine.setUseClientMode(true);
        } else {
            if (serverIdentity == null) {
                throw new IllegalArgumentException(source + ": no server certificate: a creds-dir needs server-cert.pem"
                        + " and server-key.pem, or give cert= and key= (or keystore=)");
            }
            engine = serverContext(authz).createSSLEngine();
            engine.setUseClientMode(false);
        }
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            p.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        if (client) {
            if (verifyPeer && hostname != null) {
                p.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 2818/6125 name checks, IP SANs for addresses
            }
            if (hostname != null && !isAddress(hostname)) {
                try {
                    p.setServerNames(List.of(new SNIHostName(hostname)));
                } catch (IllegalArgumentException notAnSniName) {
                    // a name SNI cannot carry (no dots, say) is still checked against the certificate
                }
            }
        } else if (verifyPeer || authz != null) {
            p.setNeedClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private SSLContext clientContext() throws IOException {
        SSLContext c = clientContext;
        if (c == null) {
            c = clientContext = context(
                    clientIdentity, verifyPeer ? trustManagers() : new TrustManager[] {new PeerTrust.TrustAll()});
        }
        return c;
    }

    private SSLContext serverContext(Authz authz) throws IOException {
        Object key = authz == null ? NO_AUTHZ : authz;
        SSLContext c = serverContexts.get(key);
        if (c == null) {
            X509ExtendedTrustManager chain = (X509ExtendedTrustManager) trustManagers()[0];
            // Without verify-peer, an authz list is the only check; without either, no
            // certificate is asked for, and the chain check stays as the JDK's default would be.
            TrustManager trust = new PeerTrust.ClientTrustManager(verifyPeer || authz == null ? chain : null, authz);
            c = context(serverIdentity, new TrustManager[] {trust});
            serverContexts.putIfAbsent(key, c);
        }
        return c;
    }

    private SSLContext context(Pem.Identity identity, TrustManager[] trustManagers) throws IOException {
        try {
            KeyManager[] keyManagers = null;
            if (identity != null) {
                char[] none = new char[0];
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry(
                        "identity", identity.key(), none, identity.chain().toArray(Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(source + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private TrustManager[] trustManagers() throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trust.isEmpty()) {
                tmf.init((KeyStore) null); // the JDK's cacerts
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (X509Certificate ca : trust) {
                    ks.setCertificateEntry("ca-" + i++, ca);
                }
                tmf.init(ks);
            }
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException(source + ": cannot load the CA certificates: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsCredentials[" + source + ", verifyPeer=" + verifyPeer + ", protocols=" + protocols
                + (serverIdentity != null
                        ? ", server="
                                + serverIdentity
                                        .chain()
                                        .get(0)
                                        .getSubjectX500Principal()
                                        .getName()
                        : "")
                + (clientIdentity != null
                        ? ", client="
                                + clientIdentity
                                        .chain()
                                        .get(0)
                                        .getSubjectX500Principal()
                                        .getName()
                        : "")
                + "]";
    }

    /**
     * Collects files and settings; {@link #build()} reads and checks them. Files given one by one
     * override those of a {@link #directory}.
     */
    public static final class Builder {
        private Path directory;
        private Path trustPem;
        private Path certPem;
        private Path keyPem;
        private Path pkcs12;
        private char[] password;
        private boolean verifyPeer = true;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Endpoint endpoint;

        private Builder() {}

        /**
         * Reads only {@code end}'s key pair from a {@link #directory}; without this, both pairs
         * the directory has are read, and the credentials serve either end.
         */
        public Builder endpoint(Endpoint end) {
            this.endpoint = Objects.requireNonNull(end, "end");
            return this;
        }

        /** A credentials directory in QEMU's layout (see {@link TlsCredentials}). */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** A PEM file of the CA certificates that verify the peer (QEMU's {@code ca-cert.pem}). */
        public Builder trustPem(Path caCertificates) {
            this.trustPem = Objects.requireNonNull(caCertificates, "caCertificates");
            return this;
        }

        /**
         * The certificate (chain, leaf first) and private key this end presents, as PEM; used as
         * a server's or a client's identity, whichever end these credentials serve. The key may be
         * PKCS#8, PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}), encrypted if
         * a {@link #password} is given.
         */
        public Builder identityPem(Path certificateChain, Path privateKey) {
            this.certPem = Objects.requireNonNull(certificateChain, "certificateChain");
            this.keyPem = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** A PKCS#12 keystore holding this end's key and certificate chain; its password is {@link #password}. */
        public Builder pkcs12(Path keystore) {
            this.pkcs12 = Objects.requireNonNull(keystore, "keystore");
            return this;
        }

        /** The password of an encrypted private key or of the PKCS#12 keystore; copied. */
        public Builder password(char[] password) {
            this.password = password == null ? null : password.clone();
            return this;
        }

        /** Whether to verify the peer (default {@code true}); see {@link TlsCredentials}. */
        public Builder verifyPeer(boolean verify) {
            this.verifyPeer = verify;
            return this;
        }

        /** The protocol versions to allow, e.g. {@code "TLSv1.3"}; default {@link #DEFAULT_PROTOCOLS}. */
        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        /** The cipher suites to allow, by their standard names; default: the JDK's. */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = List.of(suites);
            return this;
        }

        /**
         * Reads the files and checks the settings.
         *
         * @throws IOException if a file is missing or unreadable, a key does not match its
         *     certificate, or a password is wrong (each names the file)
         * @throws IllegalArgumentException for an unknown protocol or cipher suite, naming it and
         *     listing what this JDK supports
         */
        public TlsCredentials build() throws IOException {
            checkSupported("protocol", protocols, supported().getProtocols());
            checkSupported("cipher suite", cipherSuites, supported().getCipherSuites());
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("TLS credentials: no protocol allowed");
            }
            if (certPem != null && pkcs12 != null) {
                throw new IllegalArgumentException(
                        "TLS credentials: give a PEM certificate and key or a PKCS#12 keystore, not both");
            }
            List<X509Certificate> trust = List.of();
            Pem.Identity server = null;
            Pem.Identity client = null;
            if (directory != null) {
                if (!Files.isDirectory(directory)) {
                    throw new java.nio.file.NoSuchFileException(
                            directory.toString(), null, "creds-dir is not a directory");
                }
                Path ca = directory.resolve("ca-cert.pem");
                if (Files.exists(ca)) {
                    trust = Pem.certificates(ca);
                }
                server = endpoint == Endpoint.CLIENT ? null : pair(directory, "server");
                client = endpoint == Endpoint.SERVER ? null : pair(directory, "client");
                if (server == null && client == null && trust.isEmpty()) {
                    throw new java.nio.file.NoSuchFileException(
                            directory.toString(),
                            null,
                            "creds-dir has none of ca-cert.pem, server-cert.pem + server-key.pem, client-cert.pem + client-key.pem");
                }
            }
            if (trustPem != null) {
                trust = Pem.certificates(trustPem);
            }
            Pem.Identity own = null;
            if (certPem != null) {
                own = Pem.Identity.pem(certPem, keyPem, password);
            } else if (pkcs12 != null) {
                own = Pem.pkcs12(pkcs12, password == null ? new char[0] : password);
            }
            if (own != null) {
                server = own;
                client = own;
            }
            return new TlsCredentials(this, server, client, trust);
        }

        private Pem.Identity pair(Path dir, String end) throws IOException {
            Path cert = dir.resolve(end + "-cert.pem");
            Path key = dir.resolve(end + "-key.pem");
            boolean haveCert = Files.exists(cert);
            boolean haveKey = Files.exists(key);
            if (haveCert != haveKey) {
                throw new java.nio.file.NoSuchFileException(
                        (haveCert ? key : cert).toString(),
                        null,
                        "creds-dir has " + (haveCert ? cert : key).getFileName() + " but not this file");
            }
            return haveCert ? Pem.Identity.pem(cert, key, password) : null;
        }

        private static SSLParameters supported() {
            try {
                return SSLContext.getDefault().getSupportedSSLParameters();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JDK has no default TLS context", e);
            }
        }

        private static void checkSupported(String what, List<String> asked, String[] known) {
            Set<String> all = Set.of(known);
            List<String> unknown = new ArrayList<>();
            for (String a : asked) {
                if (!all.contains(a)) {
                    unknown.add(a);
                }
            }
            if (!unknown.isEmpty()) {
                String[] sorted = known.clone();
                Arrays.sort(sorted);
                throw new IllegalArgumentException("TLS credentials: unknown " + what + " " + unknown
                        + "; this JDK supports " + String.join(", ", sorted));
            }
        }
    }
}
