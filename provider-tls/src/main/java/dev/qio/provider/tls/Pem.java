package dev.qio.provider.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificates and private keys from PEM files and PKCS#12 keystores. Every failure names
 * the file and what was wrong with it.
 *
 * <p>The JDK reads certificates and unencrypted PKCS#8 keys ({@code BEGIN PRIVATE KEY}) itself.
 * BouncyCastle reads what the JDK has no public API for: PKCS#1 and SEC1 keys
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}, which {@code openssl genrsa} and
 * {@code openssl ecparam -genkey} write), their OpenSSL-encrypted form ({@code Proc-Type:
 * 4,ENCRYPTED}), and encrypted PKCS#8. The keys it decodes are converted with the JDK's own
 * {@link KeyFactory}; decryption uses a private instance of BouncyCastle's provider, which is
 * never installed in the JVM.
 */
final class Pem {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    /** Key algorithms a PKCS#8 key can hold, tried in turn (PKCS#8 names its OID, not a JCA name). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");
    /**
     * BouncyCastle's provider, used as an instance for the decryptors only (OpenSSL's PEM
     * encryption and PBES2 need ciphers the JDK names differently), never installed globally.
     */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private Pem() {}

    /** The certificates in {@code file}, in file order (a leaf then its chain, or several CAs). */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file, "certificate");
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + ": no certificate in it (expected -----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /**
     * The private key in {@code file}.
     *
     * @param password for an encrypted key; {@code null} if it is not encrypted
     */
    static PrivateKey privateKey(Path file, char[] password) throws IOException {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher m = BEGIN.matcher(text);
        if (!m.find()) {
            throw new IOException(file + ": not a PEM private key (no -----BEGIN ...----- line)");
        }
        String type = m.group(1);
        try {
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(file, body(file, text, type));
                case "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" ->
                    viaBouncyCastle(file, text, password);
                default ->
                    throw new IOException(file + ": holds a " + type
                            + ", not a private key (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
            };
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": unreadable private key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IOException(
                file + ": a PKCS#8 key of an algorithm this JDK cannot read (tried " + KEY_ALGORITHMS + ")");
    }

    private static PrivateKey viaBouncyCastle(Path file, String text, char[] password)
            throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o = parser.readObject();
            if (o instanceof PEMKeyPair pair) {
                // SEC1 may leave out the public key (RFC 5915), so take only the private half
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PEMEncryptedKeyPair encrypted) {
                PEMDecryptorProvider decryptor =
                        new JcePEMDecryptorProviderBuilder().setProvider(BC).build(need(file, password));
                return converter.getPrivateKey(
                        encrypted.decryptKeyPair(decryptor).getPrivateKeyInfo());
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(BC)
                        .build(need(file, password));
                PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(decryptor);
                return converter.getPrivateKey(info);
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + ": not a private key");
        } catch (OperatorCreationException | PKCSException | org.bouncycastle.openssl.EncryptionException e) {
            throw new IOException(file + ": cannot decrypt the private key (wrong password?): " + e.getMessage(), e);
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new IOException(
                    file + ": unreadable private key" + (password != null ? " (wrong password?)" : "") + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static char[] need(Path file, char[] password) throws IOException {
        if (password == null) {
            throw new IOException(
                    file + ": the private key is encrypted; give its password (the password= option, or keyPassword)");
        }
        return password;
    }

    /** Reads a PKCS#12 keystore and returns its first key entry. */
    static Identity pkcs12(Path file, char[] password) throws IOException {
        byte[] bytes = read(file, "PKCS#12 keystore");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    var key = store.getKey(alias, password);
                    var chain = store.getCertificateChain(alias);
                    if (key instanceof PrivateKey pk && chain != null && chain.length > 0) {
                        List<X509Certificate> certs = new ArrayList<>();
                        for (var c : chain) {
                            certs.add((X509Certificate) c);
                        }
                        return Identity.checked(file.toString(), pk, certs);
                    }
                }
            }
            throw new IOException(file + ": no private key with a certificate in this keystore");
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new IOException(
                        file + ": cannot open the PKCS#12 keystore (wrong password?): " + e.getMessage(), e);
            }
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString())
                    ? e
                    : new IOException(file + ": not a PKCS#12 keystore: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot read the PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    private static byte[] body(Path file, String text, String type) throws IOException {
        int begin = text.indexOf("-----BEGIN " + type + "-----");
        int end = text.indexOf("-----END " + type + "-----", begin);
        if (end < 0) {
            throw new IOException(file + ": no -----END " + type + "----- line");
        }
        String base64 = text.substring(begin + type.length() + 16, end).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad base64 in the " + type + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such " + what + " file");
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: signs a probe and verifies it.
     * Catches a key and certificate from different pairs here, with the file names, rather than
     * as an opaque handshake failure later.
     */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // cannot check this kind here; the handshake will
        }
        try {
            byte[] probe = "qio key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(publicKey);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A private key with its certificate chain, leaf first. */
    record Identity(PrivateKey key, List<X509Certificate> chain) {
        static Identity checked(String source, PrivateKey key, List<X509Certificate> chain) throws IOException {
            if (!matches(key, chain.get(0).getPublicKey())) {
                throw new IOException(source + ": the private key does not belong to the certificate "
                        + chain.get(0).getSubjectX500Principal().getName());
            }
            return new Identity(key, List.copyOf(chain));
        }

        static Identity pem(Path cert, Path key, char[] password) throws IOException {
            return checked(key + " and " + cert, privateKey(key, password), certificates(cert));
        }
    }
}
