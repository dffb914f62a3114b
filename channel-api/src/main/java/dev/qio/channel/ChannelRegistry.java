package dev.qio.channel;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An immutable set of {@link ChannelProvider}s and the rules that pick one for a URI.
 *
 * <ul>
 *   <li>Schemes match case-insensitively.
 *   <li>For {@code a+b://...}, a provider of {@code a+b} wins if there is one; otherwise the
 *       {@linkplain ChannelProvider#isLayer() layer} provider of {@code a} opens it.
 *   <li>A scheme no provider claims is an {@link UnknownSchemeException} listing the installed
 *       schemes.
 *   <li>A scheme several providers claim goes to the one picked with
 *       {@link #choose(String, String)}, if any; else to the available one
 *       ({@link ChannelProvider#availability()}) with the highest
 *       {@linkplain ChannelProvider#priority() priority}. Two available claimants sharing the highest
 *       priority are an error naming both, raised when that scheme is used; so is a scheme whose
 *       every claimant is unavailable, naming each with its reason.
 * </ul>
 *
 * <p>Strings such as {@code null:} and {@code buffer:} have an empty scheme-specific part, which
 * {@link URI} cannot hold; {@link #open(String)} hands their providers {@code null:?}, which means
 * the same.
 */
public final class ChannelRegistry {
    private static final Pattern SCHEME_ONLY = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

    private final List<ChannelProvider> providers;
    /** Lower-case scheme to every provider that claims it, in load order. */
    private final Map<String, List<ChannelProvider>> byScheme;
    /** Lower-case scheme to the provider picked with {@link #choose}. */
    private final Map<String, ChannelProvider> chosen;

    private ChannelRegistry(List<ChannelProvider> providers, Map<String, ChannelProvider> chosen) {
        this.providers = List.copyOf(providers);
        this.chosen = Map.copyOf(chosen);
        Map<String, List<ChannelProvider>> map = new HashMap<>();
        for (ChannelProvider p : this.providers) {
            for (String s : p.schemes()) {
                map.computeIfAbsent(s.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(p);
            }
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        this.byScheme = Map.copyOf(map);
    }

    /**
     * Loads the providers visible to {@code loader}: those in named modules of the boot layer and
     * those listed in {@code META-INF/services} on its class path.
     *
     * @throws IllegalStateException if a provider fails to load; the message names it
     */
    public static ChannelRegistry load(ClassLoader loader) {
        return fromLoader(ServiceLoader.load(ChannelProvider.class, loader));
    }

    /** Loads the providers of {@code layer} and its parent layers (a plug-in directory, say). */
    public static ChannelRegistry load(ModuleLayer layer) {
        return fromLoader(ServiceLoader.load(Objects.requireNonNull(layer, "layer"), ChannelProvider.class));
    }

    /** A registry of exactly these providers, for tests and embedding. */
    public static ChannelRegistry of(ChannelProvider... providers) {
        return new ChannelRegistry(Arrays.asList(providers.clone()), Map.of());
    }

    private static ChannelRegistry fromLoader(ServiceLoader<ChannelProvider> loader) {
        List<ChannelProvider> found = new ArrayList<>();
        Map<Class<?>, Boolean> seen = new IdentityHashMap<>();
        try {
            for (ChannelProvider p : loader) {
                // The same class can be reachable twice (module and class path); keep one.
                if (seen.put(p.getClass(), Boolean.TRUE) == null) {
                    found.add(p);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a channel provider failed to load: " + e.getMessage(), e);
        }
        return new ChannelRegistry(found, Map.of());
    }

    /**
     * A registry like this one in which {@code scheme} goes to the provider whose class is named
     * {@code providerClassName}, resolving a clash between two providers.
     *
     * @throws IllegalArgumentException if no provider of that class claims the scheme
     */
    public ChannelRegistry choose(String scheme, String providerClassName) {
        String key = scheme.toLowerCase(Locale.ROOT);
        for (ChannelProvider p : byScheme.getOrDefault(key, List.of())) {
            if (p.getClass().getName().equals(providerClassName)) {
                Map<String, ChannelProvider> next = new HashMap<>(chosen);
                next.put(key, p);
                return new ChannelRegistry(providers, next);
            }
        }
        throw new IllegalArgumentException("no provider " + providerClassName + " claims scheme '" + scheme
                + "'; its providers: " + describe(byScheme.getOrDefault(key, List.of())));
    }

    /** Every provider, in load order. */
    public List<ChannelProvider> providers() {
        return providers;
    }

    /** Every claimed scheme, lower case and sorted. */
    public Set<String> schemes() {
        return new TreeSet<>(byScheme.keySet());
    }

    /**
     * The provider of exactly {@code scheme} (no layer lookup), by the rule in the class
     * description.
     *
     * @return empty if none claims it
     * @throws IllegalStateException if two available providers of the highest priority claim it
     *     and none was chosen (names both), or if every claimant is unavailable (names each with
     *     its reason)
     */
    public Optional<ChannelProvider> provider(String scheme) {
        String key = scheme.toLowerCase(Locale.ROOT);
        ChannelProvider pick = chosen.get(key);
        if (pick != null) {
            return Optional.of(pick);
        }
        List<ChannelProvider> ranked = candidates(key);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        ChannelProvider first = ranked.getFirst();
        if (!first.availability().isAvailable()) {
            List<String> why = new ArrayList<>();
            for (ChannelProvider p : ranked) {
                why.add(p.getClass().getName() + ": " + p.availability().reason());
            }
            throw new IllegalStateException(
                    "scheme '" + key + "' has no provider that can run here (" + String.join("; ", why) + ")");
        }
        List<ChannelProvider> top = new ArrayList<>();
        for (ChannelProvider p : ranked) {
            if (p.availability().isAvailable() && p.priority() == first.priority()) {
                top.add(p);
            }
        }
        if (top.size() > 1) {
            throw new IllegalStateException("scheme '" + key + "' is claimed by more than one provider of priority "
                    + first.priority() + ": " + describe(top) + "; pick one with ChannelRegistry.choose(\"" + key
                    + "\", className)");
        }
        return Optional.of(first);
    }

    /**
     * Every provider that claims exactly {@code scheme}, best first: available ones before
     * unavailable ones, then by descending priority, then in load order. What {@code qio
     * providers} shows; {@link #provider(String)} serves the scheme with the first unless
     * {@link #choose} picked another.
     */
    public List<ChannelProvider> candidates(String scheme) {
        List<ChannelProvider> ranked =
                new ArrayList<>(byScheme.getOrDefault(scheme.toLowerCase(Locale.ROOT), List.of()));
        ranked.sort(java.util.Comparator.comparing(
                        (ChannelProvider p) -> !p.availability().isAvailable())
                .thenComparing(ChannelProvider::priority, java.util.Comparator.reverseOrder()));
        return List.copyOf(ranked);
    }

    /**
     * The provider that opens {@code uri}: the provider of its scheme, or for {@code a+b} the layer
     * provider of {@code a}.
     *
     * @throws UnknownSchemeException if there is none
     */
    public ChannelProvider providerFor(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException(
                    "'" + uri + "' has no scheme; installed schemes: " + String.join(", ", schemes()));
        }
        Optional<ChannelProvider> exact = provider(scheme);
        if (exact.isPresent()) {
            return exact.get();
        }
        int plus = scheme.indexOf('+');
        if (plus > 0) {
            Optional<ChannelProvider> layer = provider(scheme.substring(0, plus));
            if (layer.isPresent() && layer.get().isLayer()) {
                return layer.get();
            }
        }
        throw new UnknownSchemeException(scheme.toLowerCase(Locale.ROOT), List.copyOf(schemes()));
    }

    /** Opens {@code uri}; see {@link IoChannels#open(String)}. */
    public IoChannel open(String uri) throws IOException {
        return open(parse(uri));
    }

    /** Opens {@code uri} with the provider {@link #providerFor(URI)} picks. */
    public IoChannel open(URI uri) throws IOException {
        return providerFor(uri).open(uri, this);
    }

    /** Binds a listener on {@code uri}; see {@link IoChannels#listen(String)}. */
    public IoListener listen(String uri) throws IOException {
        return listen(parse(uri));
    }

    /** Binds a listener on {@code uri} with the provider {@link #providerFor(URI)} picks. */
    public IoListener listen(URI uri) throws IOException {
        return providerFor(uri).listen(uri, this);
    }

    /**
     * Parses a channel URI string, accepting an empty scheme-specific part ({@code null:}).
     *
     * @throws IllegalArgumentException if it is not a URI; the message quotes it
     */
    public static URI parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String text = SCHEME_ONLY.matcher(uri).matches() ? uri + "?" : uri;
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a channel URI: '" + uri + "': " + e.getMessage(), e);
        }
    }

    private static String describe(List<ChannelProvider> claimants) {
        List<String> names = new ArrayList<>();
        for (ChannelProvider p : claimants) {
            Module m = p.getClass().getModule();
            names.add(p.getClass().getName() + (m.isNamed() ? " (module " + m.getName() + ")" : " (class path)"));
        }
        return String.join(" and ", names);
    }

    @Override
    public String toString() {
        return "ChannelRegistry" + schemes();
    }
}
