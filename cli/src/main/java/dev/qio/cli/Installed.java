package dev.qio.cli;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.FixtureSource;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What is installed: the boot layer's providers and fixtures, plus those of the jars and
 * directories given with {@code --provider-path}, which get a child {@link ModuleLayer} of their
 * own. A plain jar there becomes an automatic module whose {@code META-INF/services} entries count
 * as its {@code provides}.
 *
 * @param layer the layer providers are loaded from: the boot layer, or the plug-in layer above it
 * @param registry every provider of {@code layer} and its parents
 */
record Installed(ModuleLayer layer, ChannelRegistry registry) {

    /**
     * Loads the providers.
     *
     * @throws IllegalArgumentException if a path is missing or its modules do not resolve; the
     *     message names the path or the module
     */
    static Installed load(List<Path> providerPath) {
        if (providerPath.isEmpty()) {
            return new Installed(ModuleLayer.boot(), IoChannels.registry());
        }
        for (Path p : providerPath) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("--provider-path: no such file or directory: " + p);
            }
        }
        ModuleLayer boot = ModuleLayer.boot();
        try {
            ModuleFinder plugins = ModuleFinder.of(providerPath.toArray(Path[]::new));
            // Modules the boot layer already has stay the boot layer's (the "after" finder is asked
            // last), so a plug-in directory that carries its own copy of the api still shares ours.
            Set<String> roots = plugins.findAll().stream()
                    .map(ModuleReference::descriptor)
                    .map(d -> d.name())
                    .filter(n -> boot.findModule(n).isEmpty())
                    .collect(Collectors.toSet());
            Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(), plugins, roots);
            ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
            return new Installed(layer, ChannelRegistry.load(layer));
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new IllegalArgumentException(
                    "--provider-path " + providerPath + ": " + Errors.oneLine(e.getMessage()), e);
        }
    }

    /** The fixture sources of every layer, in load order. */
    List<FixtureSource> fixtureSources() {
        List<FixtureSource> sources = new ArrayList<>();
        try {
            ServiceLoader.load(layer, FixtureSource.class).forEach(sources::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a fixture source failed to load: " + e.getMessage(), e);
        }
        return sources;
    }
}
