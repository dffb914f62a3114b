package dev.qio.provider.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at run time for the tests (none are committed): a CA, and server and client
 * certificates it signs, written in QEMU's creds-dir layout. BouncyCastle builds them, since the
 * JDK has no public API to issue a certificate.
 */
final class TestCerts {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffff_ffffL);
    /** The server certificate's names: what clients of the tests connect to. */
    static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1", "::1", "qio.test");

    static final String CA_DN = "C=UK,O=qio tests,CN=qio test CA";
    static final String SERVER_DN = "C=UK,O=qio tests,CN=localhost";
    static final String CLIENT_DN = "C=UK,O=qio tests,CN=qemu-client";

    private TestCerts() {}

    /** A key pair and the certificate for it. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        PrivateKey key() {
            return keys.getPrivate();
        }
    }

    /** A self-signed CA. */
    static Issued ca(String dn) {
        KeyPair keys = ec();
        X500Name name = new X500Name(dn);
        return sign(
                name,
                keys,
                name,
                keys.getPrivate(),
                List.of(),
                true,
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
    }

    /** A leaf certificate that {@code ca} signs, valid from yesterday for 30 days. */
    static Issued leaf(Issued ca, String dn, List<String> names) {
        return leaf(
                ca,
                dn,
                names,
                ec(),
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
    }

    /** A leaf with the given keys and validity (an expired one: {@code notAfter} in the past). */
    static Issued leaf(Issued ca, String dn, List<String> names, KeyPair keys, Instant notBefore, Instant notAfter) {
        return sign(
                new X500Name(dn),
                keys,
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                ca.key(),
                names,
                false,
                notBefore,
                notAfter);
    }

    private static Issued sign(
            X500Name dn,
            KeyPair keys,
            X500Name issuerDn,
            PrivateKey issuerKey,
            List<String> names,
            boolean isCa,
            Instant notBefore,
            Instant notAfter) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    issuerDn,
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    dn,
                    keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(
                            isCa
                                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!names.isEmpty()) {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    boolean ip = n.contains(":") || n.chars().allMatch(c -> c == '.' || Character.isDigit(c));
                    sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
                }
                b.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
            return new Issued(keys, cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a test certificate for " + dn, e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a full creds-dir into {@code dir}: a CA, a server certificate for
     * {@link #SERVER_NAMES} and a client certificate {@link #CLIENT_DN}, keys as PKCS#8.
     *
     * @return the CA, to issue more certificates from
     */
    static Issued credsDir(Path dir) throws IOException {
        Issued ca = ca(CA_DN);
        Files.createDirectories(dir);
        writeCerts(dir.resolve("ca-cert.pem"), ca.certificate());
        Issued server = leaf(ca, SERVER_DN, SERVER_NAMES);
        writeCerts(dir.resolve("server-cert.pem"), server.certificate());
        writePkcs8(dir.resolve("server-key.pem"), server.key());
        Issued client = leaf(ca, CLIENT_DN, List.of());
        writeCerts(dir.resolve("client-cert.pem"), client.certificate());
        writePkcs8(dir.resolve("client-key.pem"), client.key());
        return ca;
    }

    static void writeCerts(Path file, X509Certificate... certs) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                pem.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    /** The JDK's own encoding of a private key is PKCS#8: {@code BEGIN PRIVATE KEY}. */
    static void writePkcs8(Path file, PrivateKey key) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    /**
     * The "traditional" OpenSSL form of an RSA key, PKCS#1 {@code RSA PRIVATE KEY}, as
     * {@code openssl genrsa} writes it. (Not for JDK EC keys: their SEC1 part carries neither
     * the curve nor the public key, so written alone it names no curve.)
     */
    static void writeTraditional(Path file, KeyPair keys) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(keys);
        }
        Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
