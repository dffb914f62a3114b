package dev.qio.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code qio}: the top command. Holds the options every subcommand takes. */
@Command(
        name = "qio",
        mixinStandardHelpOptions = true,
        versionProvider = QioCommand.Version.class,
        usageHelpAutoWidth = true,
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        description = {
            "QEMU's I/O channels from the command line: copy and relay bytes between channel URIs"
                    + " (mem://NAME, buffer:, null:, file:///PATH and whatever else 'qio providers' lists),"
                    + " and run the conformance kit against every installed provider.",
            "",
            "A URI of '-' is standard input as a source and standard output as a destination."
        },
        subcommands = {
            ProvidersCommand.class,
            CatCommand.class,
            RelayCommand.class,
            ListenCommand.class,
            ConformanceCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit status: 0 success, 1 failure, 2 usage error, 141 standard output closed by its reader"
                    + " (silently, as cat ends when SIGPIPE kills it)."
        })
final class QioCommand implements Runnable {
    private final Stdio stdio;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error, and the kit's own output.")
    boolean verbose;

    @Option(
            names = "--provider-path",
            scope = ScopeType.INHERIT,
            paramLabel = "DIR|JAR",
            split = "${sys:path.separator}",
            description = "Also load providers (and fixtures) from these modular or plain jars, or directories of jars,"
                    + " in a module layer of their own. Repeatable.")
    List<Path> providerPath = new ArrayList<>();

    private Installed installed;

    QioCommand(Stdio stdio) {
        this.stdio = stdio;
    }

    Stdio stdio() {
        return stdio;
    }

    boolean verbose() {
        return verbose;
    }

    /** The providers and fixtures of the boot layer and of {@code --provider-path}; loaded once. */
    Installed installed() {
        if (installed == null) {
            installed = Installed.load(providerPath);
        }
        return installed;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing a command: providers, cat, relay, listen, conformance or completion");
    }

    /** The version of the {@code dev.qio.cli} module, as Maven recorded it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = QioCommand.class.getModule().getDescriptor() == null
                    ? null
                    : QioCommand.class.getModule().getDescriptor().rawVersion().orElse(null);
            return new String[] {
                "qio " + (version != null ? version : "(development build)") + " on Java " + Runtime.version()
            };
        }
    }
}
