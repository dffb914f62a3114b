package dev.qio.provider.tls;

import static dev.qio.provider.tls.TlsTestSupport.accept;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsTestSupport.Creds;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credentials and options: every private key format the layer documents works in a real
 * handshake (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8 and OpenSSL-encrypted PEM, a PKCS#12
 * keystore by URI and by builder), and every mistake fails early with an exception that names the
 * file or option at fault: a wrong or missing password, a key that is not the certificate's, a
 * missing file, an unknown protocol, cipher suite or option, options given to the wrong end. Also
 * the {@link Authz} globs on their own.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsCredentialsTest {
    private static final String PASSWORD = "s3cret pass";

    @TempDir
    Path tmp;

    /**
     * Listens on {@code tls+mem://NAME?listenQuery}, connects with {@code clientQuery}, sends a
     * line each way, and returns the server's session.
     */
    private static SSLSession handshakeOverMem(String listenQuery, String clientQuery) throws Exception {
        String name = TlsTestSupport.memName();
        try (IoListener listener = IoChannels.listen("tls+mem://" + name + "?" + listenQuery);
                Background<IoChannel> accepted = accept(listener);
                IoChannel client = IoChannels.open("tls+mem://" + name + "?" + clientQuery);
                IoChannel server = accepted.result()) {
            return exchange(client, server);
        }
    }

    private static SSLSession exchange(IoChannel client, IoChannel server) throws IOException {
        client.writeAll(ascii("up\n"));
        assertEquals("up\n", readLine(server));
        server.writeAll(ascii("down\n"));
        assertEquals("down\n", readLine(client));
        return ((TlsChannel) server).session();
    }

    private static String enc(Object pathOrText) {
        return java.net.URLEncoder.encode(pathOrText.toString(), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    // ---- private key formats --------------------------------------------------------------------

    /**
     * How the server's key is written, and the PEM text that proves it. The writers are
     * BouncyCastle's, handed a provider instance for the ciphers the JDK lacks (none is installed
     * globally), so what the code under test reads with the JDK's providers was made elsewhere.
     */
    enum KeyFormat {
        PKCS8_EC("-----BEGIN PRIVATE KEY-----", false),
        PKCS8_RSA("-----BEGIN PRIVATE KEY-----", false),
        PKCS1_RSA("-----BEGIN RSA PRIVATE KEY-----", false),
        /** SEC1 as {@code openssl ecparam -genkey} writes it: with the optional public key. */
        SEC1_EC("-----BEGIN EC PRIVATE KEY-----", false),
        /** PBES2, AES-256-CBC, PBKDF2 with HMAC-SHA256: what OpenSSL 3's {@code pkcs8 -topk8} writes. */
        ENCRYPTED_PKCS8_EC("-----BEGIN ENCRYPTED PRIVATE KEY-----", true),
        ENCRYPTED_PKCS8_RSA("-----BEGIN ENCRYPTED PRIVATE KEY-----", true),
        /** The same with PBKDF2 over HMAC-SHA1, as OpenSSL 1.0 and many other tools write it. */
        ENCRYPTED_PKCS8_HMACSHA1_EC("-----BEGIN ENCRYPTED PRIVATE KEY-----", true),
        /** Written by the openssl binary itself ({@code openssl pkcs8 -topk8}); skipped without it. */
        ENCRYPTED_PKCS8_BY_OPENSSL_EC("-----BEGIN ENCRYPTED PRIVATE KEY-----", true),
        /** OpenSSL's legacy encryption of a traditional key: {@code Proc-Type: 4,ENCRYPTED}. */
        ENCRYPTED_PKCS1_RSA("Proc-Type: 4,ENCRYPTED", true),
        ENCRYPTED_SEC1_EC("Proc-Type: 4,ENCRYPTED", true);

        private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

        final String marker;
        final boolean encrypted;

        KeyFormat(String marker, boolean encrypted) {
            this.marker = marker;
            this.encrypted = encrypted;
        }

        KeyPair newKeys() {
            return name().contains("RSA") ? TestCerts.rsa() : TestCerts.ec();
        }

        void write(Path file, KeyPair keys) throws Exception {
            switch (this) {
                case PKCS8_EC, PKCS8_RSA -> TestCerts.writePkcs8(file, keys.getPrivate());
                case PKCS1_RSA -> TestCerts.writeTraditional(file, keys);
                case SEC1_EC -> writePem(file, ecWithPublicKey(keys), null);
                case ENCRYPTED_PKCS8_EC, ENCRYPTED_PKCS8_RSA, ENCRYPTED_PKCS8_HMACSHA1_EC -> {
                    var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setProvider(BC)
                            .setPRF(
                                    this == ENCRYPTED_PKCS8_HMACSHA1_EC
                                            ? PKCS8Generator.PRF_HMACSHA1
                                            : PKCS8Generator.PRF_HMACSHA256)
                            .setPassword(PASSWORD.toCharArray())
                            .build();
                    writePem(file, new JcaPKCS8Generator(keys.getPrivate(), encryptor).generate(), null);
                }
                case ENCRYPTED_PKCS8_BY_OPENSSL_EC -> {
                    org.junit.jupiter.api.Assumptions.assumeTrue(
                            TlsTestSupport.opensslAvailable(), "openssl is not on the PATH");
                    Path plain = file.resolveSibling("plain-key.pem");
                    TestCerts.writePkcs8(plain, keys.getPrivate());
                    Process p = new ProcessBuilder(
                                    "openssl",
                                    "pkcs8",
                                    "-topk8",
                                    "-v2",
                                    "aes-256-cbc",
                                    "-in",
                                    plain.toString(),
                                    "-out",
                                    file.toString(),
                                    "-passout",
                                    "pass:" + PASSWORD)
                            .redirectErrorStream(true)
                            .start();
                    try {
                        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        assertEquals(0, p.waitFor(), () -> "openssl pkcs8 failed: " + out);
                    } finally {
                        p.destroyForcibly();
                        p.waitFor();
                    }
                    Files.delete(plain);
                }
                case ENCRYPTED_PKCS1_RSA -> writePem(file, keys, PASSWORD);
                case ENCRYPTED_SEC1_EC -> writePem(file, ecWithPublicKey(keys), PASSWORD);
            }
        }

        /** The key as a PKCS#8 structure whose SEC1 part carries the public key; BouncyCastle writes it as EC PRIVATE KEY. */
        private static PrivateKeyInfo ecWithPublicKey(KeyPair keys) throws IOException {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            BigInteger d = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey())
                    .getKey();
            AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
            var publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                    .getPublicKeyData();
            return new PrivateKeyInfo(
                    algorithm,
                    new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, publicKey, algorithm.getParameters()));
        }

        private static void writePem(Path file, Object pem, String password) throws IOException {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                if (password == null) {
                    w.writeObject(pem);
                } else {
                    w.writeObject(
                            pem,
                            new JcePEMEncryptorBuilder("AES-128-CBC")
                                    .setProvider(BC)
                                    .build(password.toCharArray()));
                }
            }
            Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
        }
    }

    /** A creds-dir whose server key is in {@code format}; the server certificate is for that key. */
    private Creds credsWithServerKey(KeyFormat format) throws Exception {
        TestCerts.Issued ca = TestCerts.ca(TestCerts.CA_DN);
        KeyPair keys = format.newKeys();
        Instant now = Instant.now();
        TestCerts.Issued server = TestCerts.leaf(
                ca,
                TestCerts.SERVER_DN,
                TestCerts.SERVER_NAMES,
                keys,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds-" + format), ca, server);
        format.write(creds.file("server-key.pem"), keys);
        String text = Files.readString(creds.file("server-key.pem"));
        assertTrue(text.contains(format.marker), () -> format + " should write " + format.marker + ", wrote:\n" + text);
        return creds;
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void everyKeyFormatServesAHandshake(KeyFormat format) throws Exception {
        Creds creds = credsWithServerKey(format);
        SSLSession session =
                handshakeOverMem(creds.query() + (format.encrypted ? "&password=" + enc(PASSWORD) : ""), creds.query());
        assertEquals(
                creds.server().certificate(),
                session.getLocalCertificates()[0],
                "the server presented the certificate of that key");
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormat.class, names = "ENCRYPTED_.*", mode = EnumSource.Mode.MATCH_ALL)
    void anEncryptedKeyWithTheWrongPasswordNamesTheFileAndThePassword(KeyFormat format) throws Exception {
        Creds creds = credsWithServerKey(format);
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.listen(
                                "tls+mem://" + TlsTestSupport.memName() + "?" + creds.query() + "&password=wrong")
                        .close());
        assertMentions(e, creds.file("server-key.pem").toString(), "password");
        // the same through the builder
        IOException b = assertThrows(
                IOException.class,
                () -> TlsCredentials.builder()
                        .directory(creds.dir())
                        .password("wrong".toCharArray())
                        .build());
        assertMentions(b, creds.file("server-key.pem").toString(), "password");
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormat.class, names = "ENCRYPTED_.*", mode = EnumSource.Mode.MATCH_ALL)
    void anEncryptedKeyWithoutAPasswordNamesTheFileAndThePassword(KeyFormat format) throws Exception {
        Creds creds = credsWithServerKey(format);
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?" + creds.query())
                        .close());
        assertMentions(e, creds.file("server-key.pem").toString(), "password");
        IOException b = assertThrows(IOException.class, () -> TlsCredentials.fromDirectory(creds.dir()));
        assertMentions(b, creds.file("server-key.pem").toString(), "password");
    }

    /** cert= and key= instead of a creds-dir's server files; the files given override the dir's. */
    @Test
    void certAndKeyOptionsOverrideTheCredsDir() throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        Creds other = TlsTestSupport.creds(
                tmp.resolve("other"),
                creds.ca(),
                TestCerts.leaf(creds.ca(), "C=UK,O=qio tests,CN=other", TestCerts.SERVER_NAMES));
        SSLSession session = handshakeOverMem(
                creds.query() + "&cert=" + other.file("server-cert.pem") + "&key=" + other.file("server-key.pem"),
                creds.query());
        assertEquals(other.server().certificate(), session.getLocalCertificates()[0]);
    }

    // ---- PKCS#12 ------------------------------------------------------------------------------------

    private Path pkcs12(Creds creds, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", creds.server().key(), password.toCharArray(), new Certificate[] {
            creds.server().certificate(), creds.ca().certificate()
        });
        Path file = tmp.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }

    @Test
    void aPkcs12KeystoreByUri() throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        Path p12 = pkcs12(creds, PASSWORD);
        SSLSession session = handshakeOverMem(
                "keystore=" + p12 + "&password=" + enc(PASSWORD) + "&ca=" + creds.file("ca-cert.pem"), creds.query());
        assertEquals(creds.server().certificate(), session.getLocalCertificates()[0]);
    }

    @Test
    void aPkcs12KeystoreByBuilder() throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        Path p12 = pkcs12(creds, PASSWORD);
        TlsCredentials serverCreds = TlsCredentials.builder()
                .pkcs12(p12)
                .password(PASSWORD.toCharArray())
                .trustPem(creds.file("ca-cert.pem"))
                .build();
        assertTrue(serverCreds.hasServerIdentity());
        TlsCredentials clientCreds = TlsCredentials.fromDirectory(creds.dir());
        String name = TlsTestSupport.memName();
        try (IoListener inner = IoChannels.listen("mem://" + name);
                IoChannel clientInner = IoChannels.open("mem://" + name);
                IoChannel serverInner = inner.accept();
                TlsChannel client = TlsChannels.client(clientInner, clientCreds, "localhost");
                TlsChannel server = TlsChannels.server(serverInner, serverCreds);
                Background<TlsChannel> serverHandshake = Background.startVirtual("server handshake", () -> {
                    server.handshake();
                    return null;
                })) {
            client.handshake();
            serverHandshake.result();
            SSLSession session = exchange(client, server);
            assertEquals(creds.server().certificate(), session.getLocalCertificates()[0]);
        }
    }

    @Test
    void aPkcs12KeystoreWithTheWrongPasswordNamesTheFile() throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        Path p12 = pkcs12(creds, PASSWORD);
        IOException e = assertThrows(
                IOException.class,
                () -> TlsCredentials.builder()
                        .pkcs12(p12)
                        .password("wrong".toCharArray())
                        .build());
        assertMentions(e, p12.toString(), "password");
        IOException byUri = assertThrows(
                IOException.class,
                () -> IoChannels.listen(
                                "tls+mem://" + TlsTestSupport.memName() + "?keystore=" + p12 + "&password=wrong")
                        .close());
        assertMentions(byUri, p12.toString(), "password");
    }

    // ---- files that are wrong or missing ------------------------------------------------------------

    @Test
    void aKeyThatIsNotTheCertificatesNamesBothFiles() throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        TestCerts.writePkcs8(creds.file("server-key.pem"), TestCerts.ec().getPrivate());
        IOException e = assertThrows(IOException.class, () -> TlsCredentials.fromDirectory(creds.dir()));
        assertMentions(
                e,
                creds.file("server-key.pem").toString(),
                creds.file("server-cert.pem").toString());
        IOException byUri = assertThrows(
                IOException.class,
                () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?" + creds.query())
                        .close());
        assertMentions(
                byUri,
                creds.file("server-key.pem").toString(),
                creds.file("server-cert.pem").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-key.pem", "server-cert.pem", "client-key.pem", "client-cert.pem"})
    void aCredsDirMissingHalfAPairNamesTheMissingFile(String missing) throws Exception {
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        Files.delete(creds.file(missing));
        NoSuchFileException both =
                assertThrows(NoSuchFileException.class, () -> TlsCredentials.fromDirectory(creds.dir()));
        assertEquals(creds.file(missing).toString(), both.getFile());
        // An end reads only its own pair, as QEMU's endpoint does: a listener cares about server-*, a client about
        // client-*.
        TlsCredentials.Endpoint end =
                missing.startsWith("server") ? TlsCredentials.Endpoint.SERVER : TlsCredentials.Endpoint.CLIENT;
        NoSuchFileException own = assertThrows(
                NoSuchFileException.class,
                () -> TlsCredentials.builder()
                        .directory(creds.dir())
                        .endpoint(end)
                        .build());
        assertEquals(creds.file(missing).toString(), own.getFile());
        TlsCredentials.Endpoint other =
                end == TlsCredentials.Endpoint.SERVER ? TlsCredentials.Endpoint.CLIENT : TlsCredentials.Endpoint.SERVER;
        TlsCredentials.builder().directory(creds.dir()).endpoint(other).build(); // the other end's files are complete
        if (end == TlsCredentials.Endpoint.SERVER) {
            NoSuchFileException byUri = assertThrows(
                    NoSuchFileException.class,
                    () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?" + creds.query())
                            .close());
            assertEquals(creds.file(missing).toString(), byUri.getFile());
        }
    }

    @Test
    void missingFilesNamedByOptionsAreNoSuchFileExceptionsNamingThem() throws Exception {
        Path nowhere = tmp.resolve("nowhere");
        Creds creds = TlsTestSupport.creds(tmp.resolve("creds"));
        String mem = "tls+mem://" + TlsTestSupport.memName() + "?";
        NoSuchFileException dir = assertThrows(
                NoSuchFileException.class,
                () -> IoChannels.listen(mem + "creds-dir=" + nowhere).close());
        assertEquals(nowhere.toString(), dir.getFile());
        NoSuchFileException ca = assertThrows(
                NoSuchFileException.class,
                () -> IoChannels.listen(mem + creds.query() + "&ca=" + nowhere.resolve("ca.pem"))
                        .close());
        assertEquals(nowhere.resolve("ca.pem").toString(), ca.getFile());
        NoSuchFileException key = assertThrows(
                NoSuchFileException.class,
                () -> IoChannels.listen(
                                mem + "cert=" + creds.file("server-cert.pem") + "&key=" + nowhere.resolve("key.pem"))
                        .close());
        assertEquals(nowhere.resolve("key.pem").toString(), key.getFile());
        NoSuchFileException p12 = assertThrows(
                NoSuchFileException.class,
                () -> IoChannels.listen(mem + "keystore=" + nowhere.resolve("x.p12"))
                        .close());
        assertEquals(nowhere.resolve("x.p12").toString(), p12.getFile());
    }

    @Test
    void anEmptyCredsDirIsRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TlsCredentials.fromDirectory(empty));
        assertMentions(e, "ca-cert.pem");
    }

    @Test
    void aListenerNeedsAServerCertificate() throws Exception {
        Path caOnly = Files.createDirectories(tmp.resolve("ca-only"));
        Files.copy(TlsFixtures.creds().resolve("ca-cert.pem"), caOnly.resolve("ca-cert.pem"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + caOnly)
                        .close());
        assertMentions(e, "server-cert.pem");
    }

    // ---- protocol and cipher lists ------------------------------------------------------------------

    @Test
    void anUnknownProtocolIsNamedAndTheSupportedOnesListed() {
        String uri = "tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + TlsFixtures.creds()
                + "&protocols=TLSv1.3,TLSv1.9";
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> IoChannels.open(uri).close());
        assertMentions(e, "TLSv1.9", "TLSv1.2", "TLSv1.3");
        assertFalse(
                e.getMessage().contains("[TLSv1.3,"), "only the unknown one is reported as unknown: " + e.getMessage());
        IllegalArgumentException b = assertThrows(
                IllegalArgumentException.class,
                () -> TlsCredentials.builder().protocols("SSLv9").build());
        assertMentions(b, "SSLv9", "TLSv1.3");
    }

    @Test
    void anUnknownCipherSuiteIsNamedAndTheSupportedOnesListed() {
        String uri = "tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + TlsFixtures.creds()
                + "&ciphers=TLS_NO_SUCH_SUITE";
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> IoChannels.listen(uri).close());
        assertMentions(e, "TLS_NO_SUCH_SUITE", "TLS_AES_128_GCM_SHA256");
    }

    // ---- URI options ----------------------------------------------------------------------------------

    @Test
    void anUnknownOptionIsNamed() {
        IllegalArgumentException open = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.open("tls+mem://" + TlsTestSupport.memName() + "?creds-dirr=/tmp")
                        .close());
        assertMentions(open, "creds-dirr");
        IllegalArgumentException listen = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + TlsFixtures.creds()
                                + "&creds-dirr=/tmp")
                        .close());
        assertMentions(listen, "creds-dirr");
    }

    /**
     * Every option of the layer refuses an empty value at open, naming it: {@code hostname=} used
     * to fail in the handshake ("Illegal given domain name"), {@code protocols=} meant the
     * defaults. A comma list that names nothing is refused too, and an inner option's empty value
     * by the inner scheme.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "hostname=",
                "protocols=",
                "ciphers=",
                "creds-dir=",
                "ca=",
                "cert=",
                "key=",
                "keystore=",
                "password=",
                "verify-peer=",
                "authz=",
                "protocols=,",
                "protocols=%20,%20",
                "ciphers=,",
                "nodelay="
            })
    void anEmptyValueIsRefusedAtOpenNamingTheOption(String option) {
        String name = option.substring(0, option.indexOf('='));
        String uri = "tls+tcp://127.0.0.1:1?creds-dir=" + TlsFixtures.creds() + "&" + option;
        if (name.equals("creds-dir")) {
            uri = "tls+tcp://127.0.0.1:1?" + option;
        }
        String u = uri;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> IoChannels.open(u).close());
        assertMentions(e, "option '" + name + "'", option.endsWith("=") ? "empty value" : "names none");
    }

    /** Options the layer does not know go to the inner channel: socket options on a tls+tcp URI. */
    @Test
    void innerOptionsGoToTheInnerScheme() throws Exception {
        String creds = "creds-dir=" + TlsFixtures.creds();
        try (TlsTestSupport.Pair p =
                TlsTestSupport.tcpPair(creds + "&sndbuf=65536&rcvbuf=65536", creds + "&nodelay=true&keepalive=true")) {
            exchange(p.client(), p.server());
        }
        // and an option neither knows is still an error, from the inner scheme
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds + "&no-such-socket-option=1")
                        .close());
        assertMentions(e, "no-such-socket-option");
    }

    @Test
    void certWithoutKeyAndKeyWithoutCertNameTheProblem() {
        Path creds = TlsFixtures.creds();
        String mem = "tls+mem://" + TlsTestSupport.memName() + "?";
        IllegalArgumentException noKey = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen(mem + "cert=" + creds.resolve("server-cert.pem"))
                        .close());
        assertMentions(noKey, "cert", "key=");
        IllegalArgumentException noCert = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen(mem + "key=" + creds.resolve("server-key.pem"))
                        .close());
        assertMentions(noCert, "key", "cert=");
        IllegalArgumentException both = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen(mem + "cert=" + creds.resolve("server-cert.pem") + "&key="
                                + creds.resolve("server-key.pem") + "&keystore=/x.p12")
                        .close());
        assertMentions(both, "keystore");
    }

    @Test
    void authzOnOpenIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.open("tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + TlsFixtures.creds()
                                + "&authz=CN=x")
                        .close());
        assertMentions(e, "authz");
    }

    @Test
    void hostnameOnListenIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen("tls+mem://" + TlsTestSupport.memName() + "?creds-dir=" + TlsFixtures.creds()
                                + "&hostname=localhost")
                        .close());
        assertMentions(e, "hostname");
    }

    /** verify-peer=false: the client accepts a server it cannot verify, and the server asks for no certificate. */
    @Test
    void verifyPeerFalseTurnsBothChecksOff() throws Exception {
        Creds server = TlsTestSupport.creds(tmp.resolve("server"));
        Creds stranger = TlsTestSupport.creds(tmp.resolve("stranger")); // another CA altogether
        Path caOnly = Files.createDirectories(tmp.resolve("ca-only"));
        Files.copy(stranger.file("ca-cert.pem"), caOnly.resolve("ca-cert.pem"));
        SSLSession session =
                handshakeOverMem(server.query() + "&verify-peer=false", "creds-dir=" + caOnly + "&verify-peer=false");
        assertThrows(
                javax.net.ssl.SSLPeerUnverifiedException.class,
                session::getPeerCertificates,
                "no client certificate was asked for");
    }

    private static void assertMentions(Throwable e, String... words) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        for (String w : words) {
            assertTrue(all.toString().contains(w), () -> "expected the exception to mention '" + w + "': " + all);
        }
    }

    // ---- Authz globs ------------------------------------------------------------------------------------

    /** {@link Authz} on its own: globs against a subject, in both DN orders. */
    @Nested
    class AuthzGlobs {
        private final X500Principal client = new X500Principal("CN=qemu-client,O=qio tests,C=UK");

        private boolean allows(String... globs) {
            return Authz.allowing(globs).allows(client);
        }

        @Test
        void starMatchesAnyRun() {
            assertTrue(allows("*"));
            assertTrue(allows("C=UK,*"));
            assertTrue(allows("C=UK,O=qio tests,CN=qemu*"));
            assertTrue(allows("C=UK,*,CN=qemu-client"));
        }

        @Test
        void questionMarkMatchesOneCharacter() {
            assertTrue(allows("C=UK,O=qio tests,CN=qemu-clien?"));
            assertTrue(allows("C=U?,O=qio?tests,CN=qemu-client"));
            assertFalse(allows("C=UK,O=qio tests,CN=qemu-client?"));
            assertFalse(allows("C=UK,O=qio tests,CN=qemu-clie?"));
        }

        @Test
        void bothDnOrdersMatch() {
            assertTrue(
                    allows("C=UK,O=qio tests,CN=qemu-client"), "country first, as OpenSSL's -subj and QEMU's examples");
            assertTrue(allows("CN=qemu-client,O=qio tests,C=UK"), "most specific first, as RFC 4514");
            assertTrue(allows("CN=qemu*,O=qio tests,C=UK"));
        }

        @Test
        void aGlobMustMatchTheWholeDn() {
            assertFalse(allows("C=UK,CN=qemu*"), "O= sits between C= and CN=; the glob skips it without a *");
            assertFalse(allows("CN=qemu-client"));
            assertFalse(allows("C=UK,O=qio tests,CN=qemu"));
            assertFalse(allows("C=UK,O=qio tests,CN=someone-else*"));
            assertFalse(allows("c=uk,o=qio tests,cn=qemu-client"), "case matters, as in QEMU's fnmatch");
        }

        @Test
        void anyGlobOfTheListSuffices() {
            assertTrue(allows("CN=nobody", "C=FR,*", "C=UK,O=qio tests,CN=qemu-client"));
            assertFalse(allows("CN=nobody", "C=FR,*"));
        }

        @Test
        void backslashEscapesTheNextCharacter() {
            X500Principal star = new X500Principal("CN=a*b,C=UK");
            assertTrue(Authz.allowing("C=UK,CN=a\\*b").allows(star));
            assertFalse(
                    Authz.allowing("C=UK,CN=a\\*b").allows(new X500Principal("CN=axxb,C=UK")),
                    "an escaped * is no wildcard");
            assertTrue(
                    Authz.allowing("C=UK,CN=a*b").allows(new X500Principal("CN=axxb,C=UK")),
                    "control: unescaped it is");
            X500Principal question = new X500Principal("CN=what?,C=UK");
            assertTrue(Authz.allowing("C=UK,CN=what\\?").allows(question));
            assertFalse(Authz.allowing("C=UK,CN=what\\?").allows(new X500Principal("CN=whatx,C=UK")));
        }

        @Test
        void escapedCommasStayInsideTheirValueWhenTheOrderIsReversed() {
            assertEquals("O=x,CN=Smith\\, John", Authz.reversed("CN=Smith\\, John,O=x"));
            X500Principal smith = new X500Principal("CN=Smith\\, John,O=x");
            assertTrue(Authz.allowing("O=x,CN=Smith*").allows(smith));
            assertFalse(Authz.allowing("O=x,CN=Smith").allows(smith));
        }

        @Test
        void anEmptyListOrGlobIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> Authz.allowing(List.of()));
            assertThrows(IllegalArgumentException.class, () -> Authz.allowing(" "));
            assertEquals(List.of("a", "b"), Authz.allowing("a", "b").globs());
        }
    }
}
