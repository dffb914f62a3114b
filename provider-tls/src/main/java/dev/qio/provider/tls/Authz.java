package dev.qio.provider.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Which client certificates a TLS server accepts, by distinguished name (QEMU's
 * {@code qauthz_list} with policy deny and glob rules): a client is allowed if its certificate's
 * subject matches one of the globs, and refused otherwise, including when it sent no certificate.
 *
 * <p>A glob is a DN with {@code *} for any run of characters and {@code ?} for one, e.g.
 * {@code C=UK,CN=qemu*}; {@code \} escapes the next character. Attributes are separated by commas
 * without spaces. Since DNs are written in two orders (RFC 4514 and Java put the most specific
 * attribute first, {@code CN=…,O=…,C=UK}; OpenSSL's {@code -subj} and QEMU's examples start from
 * the country, {@code C=UK,O=…,CN=…}), a glob matches if it matches the subject in either order.
 * Attribute names are as RFC 4514 prints them (CN, C, L, ST, O, OU, DC, UID); others as their OID.
 */
public final class Authz {
    private final List<String> globs;
    private final List<Pattern> patterns;

    private Authz(List<String> globs) {
        this.globs = List.copyOf(globs);
        List<Pattern> compiled = new ArrayList<>();
        for (String glob : this.globs) {
            compiled.add(compile(glob));
        }
        this.patterns = List.copyOf(compiled);
    }

    /**
     * Allows clients whose certificate subject matches any of {@code globs}; refuses all others.
     *
     * @throws IllegalArgumentException if there are no globs, or one is empty
     */
    public static Authz allowing(String... globs) {
        return allowing(List.of(globs));
    }

    /** As {@link #allowing(String...)}. */
    public static Authz allowing(List<String> globs) {
        Objects.requireNonNull(globs, "globs");
        if (globs.isEmpty()) {
            throw new IllegalArgumentException(
                    "authz needs at least one DN glob; without one every client would be refused");
        }
        for (String g : globs) {
            if (Objects.requireNonNull(g, "glob").isBlank()) {
                throw new IllegalArgumentException("authz: an empty DN glob");
            }
        }
        return new Authz(globs);
    }

    /** The globs, in the order given. */
    public List<String> globs() {
        return globs;
    }

    /** Whether a client whose certificate has {@code subject} is allowed. */
    public boolean allows(X500Principal subject) {
        String specificFirst = subject.getName(X500Principal.RFC2253);
        String countryFirst = reversed(specificFirst);
        for (Pattern p : patterns) {
            if (p.matcher(specificFirst).matches() || p.matcher(countryFirst).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code CN=a,O=b,C=UK} → {@code C=UK,O=b,CN=a}, keeping escaped commas inside values. */
    static String reversed(String rfc2253) {
        List<String> rdns = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < rfc2253.length(); i++) {
            char c = rfc2253.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                rdns.add(rfc2253.substring(start, i));
                start = i + 1;
            }
        }
        rdns.add(rfc2253.substring(start));
        java.util.Collections.reverse(rdns);
        return String.join(",", rdns);
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                regex.append(c == '*' ? ".*" : ".");
            } else if (c == '\\' && i + 1 < glob.length()) {
                literal.append(glob.charAt(++i));
            } else {
                literal.append(c);
            }
        }
        regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Equal when the globs are equal, in order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Authz other && globs.equals(other.globs);
    }

    @Override
    public int hashCode() {
        return globs.hashCode();
    }

    @Override
    public String toString() {
        return "Authz" + globs;
    }
}
