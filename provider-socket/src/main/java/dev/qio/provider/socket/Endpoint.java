package dev.qio.provider.socket;

import dev.qio.channel.spi.UriOptions;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A socket address named by a URI, and back: {@code tcp://HOST:PORT} (IPv6 literals in brackets)
 * or {@code unix:///PATH} ({@code unix:///NAME?abstract=true} for an abstract address, whose
 * options {@link AbstractUnixOptions} reads).
 */
record Endpoint(boolean tcp, String host, int port, Path path) {

    /**
     * Reads the address part of {@code uri}.
     *
     * @param portRequired whether port 0 (pick one) is refused, as it is for connecting
     * @throws IllegalArgumentException naming what is wrong with the URI
     */
    static Endpoint of(URI uri, boolean portRequired) {
        String text = UriOptions.displayName(uri);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque()) {
            throw new IllegalArgumentException(
                    text + ": expected " + scheme + "://" + (scheme.equals("tcp") ? "HOST:PORT" : "/PATH"));
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(text + ": a socket URI has no fragment");
        }
        if (scheme.equals("unix")) {
            String p = uri.getPath();
            if (uri.getRawAuthority() != null || p == null || !p.startsWith("/")) {
                throw new IllegalArgumentException(text + ": expected unix:///ABSOLUTE/PATH");
            }
            return new Endpoint(false, null, 0, Path.of(p));
        }
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null || port < 0) {
            throw new IllegalArgumentException(text + ": expected tcp://HOST:PORT (IPv6 literals in brackets)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(text + ": a tcp URI has no user information");
        }
        if (port > 65_535) {
            throw new IllegalArgumentException(text + ": port " + port + " is out of range [0, 65535]");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty()) {
            throw new IllegalArgumentException(text + ": a tcp URI has no path");
        }
        if (port == 0 && portRequired) {
            throw new IllegalArgumentException(text + ": port 0 can only be used to listen");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Endpoint(true, host, port, null);
    }

    /**
     * Resolves the address: every address of a host name, in the resolver's order (QEMU's
     * {@code inet_connect_saddr} tries each until one connects); one for a literal or a path. A
     * host that does not resolve is an error naming it.
     */
    List<SocketAddress> resolveAll(String uriText) throws UnknownHostException {
        if (!tcp) {
            return List.of(UnixDomainSocketAddress.of(path));
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            UnknownHostException named = new UnknownHostException(uriText + ": unknown host '" + host + "'");
            named.initCause(e);
            throw named;
        }
        List<SocketAddress> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /** The URI of a bound or connected address, with the real port. */
    static URI uriOf(SocketAddress address) {
        if (address instanceof dev.qio.channel.spi.linux.AbstractUnixAddress a) {
            try {
                return new URI(
                        "unix", "", "/" + a.name(), a.tight() ? "abstract=true" : "abstract=true&tight=false", null);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (address instanceof UnixDomainSocketAddress u) {
            return URI.create("unix://" + u.getPath().toUri().getRawPath());
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        InetAddress a = inet.getAddress();
        String host =
                a instanceof Inet6Address ? "[" + compress(stripScope(a.getHostAddress())) + "]" : a.getHostAddress();
        return URI.create("tcp://" + host + ":" + inet.getPort());
    }

    private static String stripScope(String v6) {
        int pct = v6.indexOf('%');
        return pct < 0 ? v6 : v6.substring(0, pct);
    }

    /**
     * The RFC 5952 text of an IPv6 address from {@link InetAddress#getHostAddress()}'s eight
     * groups: the longest run of two or more zero groups (the first of equal runs) becomes
     * {@code ::}, so {@code 0:0:0:0:0:0:0:1} reads {@code ::1}.
     */
    static String compress(String eightGroups) {
        String[] g = eightGroups.split(":", -1);
        if (g.length != 8) {
            return eightGroups;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return eightGroups;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
        return head + "::" + tail;
    }
}
