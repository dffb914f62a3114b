package dev.qio.channel.spi;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A layered URI ({@code LAYER+INNER://…}) taken apart: the layer's own options and the inner URI
 * that the layer opens through the registry, with every other option left on it.
 *
 * <p>{@code tls+tcp://h:443?creds-dir=/etc/pki&nodelay=true} with the layer options
 * {@code {creds-dir}} gives the inner URI {@code tcp://h:443?nodelay=true} and layer options that
 * hold {@code creds-dir}. An option the layer does not name goes to the inner provider, whose own
 * {@link UriOptions#finish()} rejects it if it is unknown there too, so a misspelt option is still
 * an error.
 *
 * @param layer the layer's options, read with {@link UriOptions}'s getters and then
 *     {@link UriOptions#finish()}ed by the layer
 * @param inner the URI of the channel under the layer
 */
public record LayerUri(UriOptions layer, URI inner) {
    /** Checks that neither part is null. */
    public LayerUri {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(inner, "inner");
    }

    /**
     * Checks that {@code scheme} is {@code name} or {@code name+SCHEME}, as a layer's
     * {@code ChannelProvider.features(scheme)} must before it answers.
     *
     * @throws IllegalArgumentException naming the scheme and the forms the layer takes
     */
    public static void requireLayerScheme(String scheme, String name) {
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not " + name + " or " + name + "+SCHEME");
        }
    }

    /**
     * Splits {@code uri}.
     *
     * @param name the layer's scheme, e.g. {@code tls}
     * @param layerOptions the option names that belong to the layer
     * @throws IllegalArgumentException if {@code uri} is not {@code name+SCHEME:…}, naming the URI
     *     and showing the expected form
     */
    public static LayerUri split(URI uri, String name, Set<String> layerOptions) {
        Objects.requireNonNull(uri, "uri");
        String display = UriOptions.displayName(uri);
        String scheme = uri.getScheme();
        String prefix = name.toLowerCase(Locale.ROOT) + "+";
        if (scheme == null
                || !scheme.toLowerCase(Locale.ROOT).startsWith(prefix)
                || scheme.length() == prefix.length()) {
            throw new IllegalArgumentException(display + ": " + name + " is a layer: write " + name
                    + "+SCHEME://…, for example " + name + "+tcp://host:port");
        }
        String text = uri.toString().substring(prefix.length()); // the inner URI, options and all
        String fragment = "";
        int hash = text.indexOf('#');
        if (hash >= 0) {
            fragment = text.substring(hash);
            text = text.substring(0, hash);
        }
        int q = text.indexOf('?');
        String base = q < 0 ? text : text.substring(0, q);
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        if (q >= 0) {
            for (String pair : text.substring(q + 1).split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                (layerOptions.contains(key) ? mine : theirs).add(pair);
            }
        }
        // An opaque URI with nothing after the colon needs the '?' to parse (the registry writes null: as null:?).
        String query = theirs.isEmpty() ? (base.endsWith(":") ? "?" : "") : "?" + String.join("&", theirs);
        URI inner = URI.create(base + query + fragment);
        String own = mine.isEmpty() ? (base.endsWith(":") ? "?" : "") : "?" + String.join("&", mine);
        URI layer = URI.create(scheme.substring(0, prefix.length()) + base + own);
        return new LayerUri(UriOptions.of(layer), inner);
    }
}
