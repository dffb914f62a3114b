package dev.qio.cli;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import java.net.URI;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code qio providers}: every installed provider, one row per scheme it claims; where several
 * claim a scheme, the one that serves it first and, for each other, why not.
 */
@Command(
        name = "providers",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        header = "List the installed providers: scheme, provider, status, features, module, jar.",
        description = {
            "List every installed channel provider, one row per scheme it claims: its class, whether it serves"
                    + " the scheme (where several claim one, the available one of highest priority does; the others"
                    + " say why not), the features its channels can have, the module it lives in and the jar (or"
                    + " directory) that module came from. Providers from --provider-path are listed with the"
                    + " built-in ones."
        })
final class ProvidersCommand implements Callable<Integer> {
    @ParentCommand
    QioCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Table table = new Table("SCHEME", "PROVIDER", "STATUS", "FEATURES", "MODULE", "JAR");
        ChannelRegistry registry = root.installed().registry();
        for (String scheme : new TreeSet<>(registry.schemes())) {
            List<ChannelProvider> ranked = registry.candidates(scheme);
            for (ChannelProvider p : ranked) {
                Set<Feature> features = p.features(scheme);
                String shown = features.isEmpty()
                        ? "-"
                        : features.stream().sorted().map(Feature::name).collect(Collectors.joining(","));
                table.row(List.of(
                        p.isLayer() ? scheme + "+…" : scheme,
                        p.getClass().getSimpleName(),
                        status(p, ranked),
                        shown,
                        module(p.getClass()),
                        location(p.getClass())));
            }
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }

    /**
     * "serves" for the first of a scheme's ranked providers; for the others the reason they do not:
     * unavailable (and why) or a lower priority.
     */
    static String status(ChannelProvider p, List<ChannelProvider> ranked) {
        if (!p.availability().isAvailable()) {
            return "unavailable: " + p.availability().reason();
        }
        if (p == ranked.getFirst()) {
            return "serves";
        }
        return "standby: priority " + p.priority() + " < " + ranked.getFirst().priority();
    }

    /** The provider's module name, or {@code (class path)}. */
    static String module(Class<?> type) {
        Module m = type.getModule();
        return m.isNamed() ? m.getName() : "(class path)";
    }

    /**
     * Where the provider's module was loaded from: the location its layer's configuration
     * recorded, else its code source.
     */
    static String location(Class<?> type) {
        Module m = type.getModule();
        Optional<URI> where = Optional.empty();
        if (m.isNamed() && m.getLayer() != null) {
            where = m.getLayer()
                    .configuration()
                    .findModule(m.getName())
                    .flatMap(r -> r.reference().location());
        }
        if (where.isEmpty()) {
            CodeSource code = type.getProtectionDomain().getCodeSource();
            if (code != null && code.getLocation() != null) {
                try {
                    where = Optional.of(code.getLocation().toURI());
                } catch (java.net.URISyntaxException e) {
                    return code.getLocation().toString();
                }
            }
        }
        return where.map(u -> "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString())
                .orElse("?");
    }
}
