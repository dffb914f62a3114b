package dev.qio.benchmarks;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS benchmarks' credentials, made once per JVM: an EC P-256 CA, a server certificate for
 * {@code 127.0.0.1} and {@code localhost} and a client certificate, both signed by the CA
 * (BouncyCastle issues them, since the JDK has no public API for it; nothing is committed and no
 * {@code openssl} binary is needed).
 *
 * <p>qio reads them as a creds-dir in QEMU's layout ({@link #qioOptions()}: {@code ca-cert.pem},
 * {@code server-cert.pem}, {@code server-key.pem}, {@code client-cert.pem},
 * {@code client-key.pem}, keys in PKCS#8), in a temporary directory deleted when the JVM exits.
 * The JDK baselines get an {@link SSLContext} per end ({@link #serverContext()},
 * {@link #clientContext()}) built from the same key and certificate objects, the way qio builds
 * its own (a {@link KeyManagerFactory} and a {@link TrustManagerFactory} of the default
 * algorithms over a {@link KeyStore}), so both sides present the same one-certificate chains and
 * verify them against the same CA; and sockets configured as qio configures its ends
 * ({@link #serverSocket()}, {@link #clientSocket}). The contexts are shared by every connection
 * in the JVM, as qio shares its own per set of credentials.
 */
final class TlsCreds {
    /** The only protocol both sides allow: what the rows compare. */
    static final String PROTOCOL = "TLSv1.3";

    private static TlsCreds instance;

    private final Path dir;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private TlsCreds(Path dir, SSLContext serverContext, SSLContext clientContext) {
        this.dir = dir;
        this.serverContext = serverContext;
        this.clientContext = clientContext;
    }

    /** This JVM's credentials, made on the first call. */
    static synchronized TlsCreds get() throws IOException {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    /**
     * The {@code tls+} options that give qio these credentials and only {@link #PROTOCOL}, for a
     * URI's query: {@code creds-dir=DIR&protocols=TLSv1.3}. The peer is verified (qio's default):
     * a client checks the server's chain and its name or address, a server requires a client
     * certificate.
     */
    String qioOptions() {
        return "creds-dir=" + percentEncode(dir.toString()) + "&protocols=" + PROTOCOL;
    }

    /**
     * The creds-dir itself (QEMU's file names, PEM, keys in PKCS#8): what the peer benchmarks hand
     * Netty's {@code SslContextBuilder}, so every side presents and checks the same certificates.
     */
    Path dir() {
        return dir;
    }

    /** {@code uri} (a listener's {@code localUri()}) with {@link #qioOptions()} added to its query. */
    String withOptions(URI uri) {
        return uri + (uri.getRawQuery() == null ? "?" : "&") + qioOptions();
    }

    /**
     * A server context presenting the server certificate and trusting the CA. It does not set
     * client authentication or protocols: those belong to the socket
     * ({@code setNeedClientAuth(true)}, {@code setEnabledProtocols}).
     */
    SSLContext serverContext() {
        return serverContext;
    }

    /** A client context presenting the client certificate and trusting the CA. */
    SSLContext clientContext() {
        return clientContext;
    }

    /**
     * The JDK baseline's listening end on {@code 127.0.0.1}, an ephemeral port: TLS 1.3 only, and
     * it requires a client certificate ({@code setNeedClientAuth(true)}), as qio's listener does
     * unless told {@code verify-peer=false}. Accepted sockets have not shaken hands yet.
     */
    SSLServerSocket serverSocket() throws IOException {
        SSLServerSocket s = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        s.setEnabledProtocols(new String[] {PROTOCOL});
        s.setNeedClientAuth(true);
        return s;
    }

    /**
     * The JDK baseline's client end, connected to {@code 127.0.0.1:port} and with its handshake
     * complete (what qio's {@code IoChannels.open("tls+tcp://…")} returns): TLS 1.3 only, and
     * the server's certificate checked against the CA and against {@code 127.0.0.1} (endpoint
     * identification "HTTPS", which matches an address against the IP subject alternative names),
     * as qio's client checks it against the URI's host.
     *
     * @param noDelay TCP_NODELAY, set before the handshake (qio's {@code nodelay=} option)
     */
    SSLSocket clientSocket(int port, boolean noDelay) throws IOException {
        SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", port);
        try {
            s.setTcpNoDelay(noDelay);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {PROTOCOL});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static TlsCreds create() throws IOException {
        try {
            KeyPair caKeys = ecKeys();
            KeyPair serverKeys = ecKeys();
            KeyPair clientKeys = ecKeys();
            X500Name caName = new X500Name("CN=qio benchmarks CA");
            X509Certificate ca = issue(1, caName, caKeys.getPublic(), caName, caKeys.getPrivate(), true);
            X509Certificate server = issue(
                    2,
                    new X500Name("CN=localhost"),
                    serverKeys.getPublic(),
                    caName,
                    caKeys.getPrivate(),
                    false,
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost"));
            X509Certificate client = issue(
                    3,
                    new X500Name("CN=qio benchmarks client"),
                    clientKeys.getPublic(),
                    caName,
                    caKeys.getPrivate(),
                    false);

            Path dir = Files.createTempDirectory("qio-bench-tls");
            // deleteOnExit deletes in the reverse order of registration: the files, then the directory
            dir.toFile().deleteOnExit();
            write(dir, "ca-cert.pem", pem("CERTIFICATE", ca.getEncoded()));
            write(dir, "server-cert.pem", pem("CERTIFICATE", server.getEncoded()));
            write(
                    dir,
                    "server-key.pem",
                    pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded())); // JDK keys encode as PKCS#8
            write(dir, "client-cert.pem", pem("CERTIFICATE", client.getEncoded()));
            write(
                    dir,
                    "client-key.pem",
                    pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));

            return new TlsCreds(
                    dir, context(serverKeys.getPrivate(), server, ca), context(clientKeys.getPrivate(), client, ca));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the TLS benchmarks' certificates: " + e.getMessage(), e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /**
     * A certificate for {@code subject}'s key signed by {@code issuerKey}: a CA's, or a leaf's
     * for digital signatures (all a TLS 1.3 ECDSA certificate does) with these subject alternative
     * names, if any. Valid from an hour ago (a clock a little behind still accepts it) for two
     * days, far longer than a benchmark JVM lives.
     */
    private static X509Certificate issue(
            long serial,
            X500Name subject,
            PublicKey subjectKey,
            X500Name issuer,
            PrivateKey issuerKey,
            boolean isCa,
            GeneralName... names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(serial),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        if (names.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static SSLContext context(PrivateKey key, X509Certificate certificate, X509Certificate ca)
            throws GeneralSecurityException, IOException {
        char[] none = new char[0];
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("identity", key, none, new Certificate[] {certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, none);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static void write(Path dir, String name, String pem) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        file.toFile().deleteOnExit();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Percent-encodes all but unreserved characters and {@code /}: a temporary directory may have any name. */
    private static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
