package dev.qio.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code qio} command's entry point. Exit codes: 0 success, 1 a failure (I/O, a provider,
 * a failed conformance property), 2 a usage error, 141 standard output closed by its reader
 * (silent, as {@code cat} killed by SIGPIPE). Errors print as one line, {@code qio: MESSAGE},
 * with the stack trace only under {@code --verbose}.
 */
public final class Main {
    private Main() {}

    /** Exit code of a failed command. */
    public static final int FAILURE = 1;
    /** Exit code of a usage error (picocli's own). */
    public static final int USAGE = 2;
    /** Exit code when standard output's reader went away: a shell's code for death by SIGPIPE. */
    public static final int BROKEN_PIPE = 128 + 13;

    public static void main(String[] args) {
        System.exit(run(Stdio.system(), args));
    }

    /** Runs the command with these streams and returns its exit code; tests call this in-process. */
    public static int run(Stdio stdio, String... args) {
        QioCommand root = new QioCommand(stdio);
        CommandLine cl = new CommandLine(root);
        // picocli writes the script from the command model, so it always matches the options.
        CommandLine completion = new CommandLine(new picocli.AutoComplete.GenerateCompletion());
        completion.getCommandSpec().name("completion"); // its usage says `qio completion`, not picocli's name
        cl.addSubcommand("completion", completion);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(stdio.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(stdio.err(), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((e, given) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            stdio.err().println("qio: " + Errors.oneLine(e.getMessage()) + " (see '" + name + " --help')");
            if (root.verbose()) {
                e.printStackTrace(stdio.err());
            }
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (Errors.brokenPipe(e) && !root.verbose()) {
                return BROKEN_PIPE;
            }
            stdio.err().println("qio: " + Errors.message(e));
            if (root.verbose()) {
                e.printStackTrace(stdio.err());
            }
            return Errors.exitCode(e);
        });
        int code = cl.execute(args);
        stdio.err().flush();
        return code;
    }
}
