package dev.qio.provider.tls;

import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tls+} layer's URI options, and the credentials they name. Credentials are cached by
 * their options, and rebuilt when one of their files changes: reading PEM files and building an
 * {@link javax.net.ssl.SSLContext} per connection would cost more than the handshake, and one
 * context per credentials lets clients resume sessions.
 */
final class TlsOptions {
    /** The options that belong to the layer; any other option goes to the inner channel's URI. */
    static final Set<String> NAMES = Set.of(
            "creds-dir",
            "ca",
            "cert",
            "key",
            "keystore",
            "password",
            "verify-peer",
            "hostname",
            "authz",
            "protocols",
            "ciphers");

    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    final TlsCredentials credentials;
    /** The host name asked for with {@code hostname=}, or {@code null}. */
    final String hostname;
    /** The authz list, or {@code null} when none was given. */
    final Authz authz;

    private TlsOptions(TlsCredentials credentials, String hostname, Authz authz) {
        this.credentials = credentials;
        this.hostname = hostname;
        this.authz = authz;
    }

    static TlsOptions read(UriOptions o, TlsCredentials.Endpoint end) throws IOException {
        Path dir = o.string("creds-dir").map(Path::of).orElse(null);
        Path ca = o.string("ca").map(Path::of).orElse(null);
        Path cert = o.string("cert").map(Path::of).orElse(null);
        Path key = o.string("key").map(Path::of).orElse(null);
        Path keystore = o.string("keystore").map(Path::of).orElse(null);
        String password = o.string("password").orElse(null);
        boolean verifyPeer = o.bool("verify-peer", true);
        String hostname = o.string("hostname").orElse(null);
        List<String> authz = o.all("authz");
        List<String> protocols = list(o, "protocols");
        List<String> ciphers = list(o, "ciphers");
        o.finish();
        if ((cert == null) != (key == null)) {
            throw o.bad(cert == null ? "key" : "cert", "needs " + (cert == null ? "cert=" : "key=") + " as well");
        }
        if (cert != null && keystore != null) {
            throw o.bad("keystore", "cannot be combined with cert= and key=; give one identity");
        }
        String cacheKey = String.join(
                "\u0000",
                end.name(),
                String.valueOf(dir),
                String.valueOf(ca),
                String.valueOf(cert),
                String.valueOf(key),
                String.valueOf(keystore),
                String.valueOf(password),
                String.valueOf(verifyPeer),
                protocols.toString(),
                ciphers.toString());
        List<Path> files = new ArrayList<>();
        for (Path p : Arrays.asList(dir, ca, cert, key, keystore)) {
            if (p != null) {
                files.add(p);
            }
        }
        if (dir != null) {
            for (String name :
                    List.of("ca-cert.pem", "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem")) {
                files.add(dir.resolve(name));
            }
        }
        List<FileTime> stamps = stamps(files);
        Cached cached = CACHE.get(cacheKey);
        TlsCredentials credentials;
        if (cached != null && cached.stamps.equals(stamps)) {
            credentials = cached.credentials;
        } else {
            TlsCredentials.Builder b = TlsCredentials.builder().endpoint(end).verifyPeer(verifyPeer);
            if (dir != null) {
                b.directory(dir);
            }
            if (ca != null) {
                b.trustPem(ca);
            }
            if (password != null) {
                b.password(password.toCharArray());
            }
            if (cert != null) {
                b.identityPem(cert, key);
            }
            if (keystore != null) {
                b.pkcs12(keystore);
            }
            if (!protocols.isEmpty()) {
                b.protocols(protocols.toArray(String[]::new));
            }
            if (!ciphers.isEmpty()) {
                b.cipherSuites(ciphers.toArray(String[]::new));
            }
            try {
                credentials = b.build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(o.uri() + ": " + e.getMessage(), e);
            }
            CACHE.put(cacheKey, new Cached(credentials, stamps));
        }
        Authz list;
        try {
            list = authz.isEmpty() ? null : Authz.allowing(authz);
        } catch (IllegalArgumentException e) {
            throw o.bad("authz", e.getMessage());
        }
        return new TlsOptions(credentials, hostname, list);
    }

    /** A comma list; one that names nothing ({@code protocols=,}) is refused, never read as "the defaults". */
    private static List<String> list(UriOptions o, String name) {
        List<String> out = new ArrayList<>();
        o.string(name).ifPresent(v -> {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            if (out.isEmpty()) {
                throw o.bad(
                        name, "'" + v + "' names none; give a comma list, or leave the option out for the defaults");
            }
        });
        return out;
    }

    private static List<FileTime> stamps(List<Path> files) {
        List<FileTime> out = new ArrayList<>();
        for (Path p : files) {
            try {
                out.add(Files.getLastModifiedTime(p));
            } catch (IOException missing) {
                out.add(FileTime.fromMillis(Long.MIN_VALUE));
            }
        }
        return out;
    }

    private record Cached(TlsCredentials credentials, List<FileTime> stamps) {}
}
