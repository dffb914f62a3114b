package dev.qio.cli;

import dev.qio.cli.io.Copy;
import dev.qio.cli.io.Endpoint;
import dev.qio.cli.io.Endpoints;
import dev.qio.cli.io.Progress;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code qio cat SRC [DST]}: one copy, SRC to end of stream. */
@Command(
        name = "cat",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        header = "Copy bytes from one URI to another ('-' is stdin/stdout).",
        description = {
            "Copy bytes from SRC to DST until SRC ends, 64 KiB at a time. Any error ends the copy with exit"
                    + " status 1 and a one-line message naming the URI."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  qio cat file:///etc/hostname",
            "  qio cat file:///big.img 'file:///copy.img?mode=w' --progress",
            "  some-command | qio cat - 'file:///log.txt?mode=a'"
        })
final class CatCommand implements Callable<Integer> {
    @ParentCommand
    QioCommand root;

    @Parameters(index = "0", paramLabel = "SRC", description = "Channel URI to read, or '-' for standard input.")
    String src;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "DST",
            defaultValue = "-",
            description = "Channel URI to write (a file needs ?mode=w or ?mode=a), or '-' for standard output"
                    + " (the default).")
    String dst;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show bytes, elapsed time, rate and (when SRC's size is known) percentage and ETA on"
                    + " standard error, like pv. Default: on when standard error is a terminal.")
    Boolean progress;

    @Option(
            names = "--summary",
            description = "When the copy ends, print one line on standard error: bytes, time and rate,"
                    + " e.g. 'qio cat: 5.00 MiB (5242880 bytes) in 0.052 s, 96.2 MiB/s'.")
    boolean summary;

    @Override
    public Integer call() throws IOException {
        Stdio stdio = root.stdio();
        var registry = root.installed().registry();
        long start = System.nanoTime();
        long copied;
        try (Endpoint in = Endpoints.open(src, registry, stdio.in(), stdio.out());
                Endpoint out = Endpoints.open(dst, registry, stdio.in(), stdio.out());
                Progress meter = Progress.start(
                        stdio.err(), in.remaining(), progress != null ? progress : stdio.errIsTerminal())) {
            copied = Copy.copy(in, out, meter::moved);
        }
        if (summary) {
            stdio.err().println("qio cat: " + Progress.summary(copied, System.nanoTime() - start));
        }
        return 0;
    }
}
