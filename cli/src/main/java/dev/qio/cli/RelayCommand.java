package dev.qio.cli;

import dev.qio.cli.io.Endpoint;
import dev.qio.cli.io.Endpoints;
import dev.qio.cli.io.Progress;
import dev.qio.cli.io.Relay;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code qio relay A B}: both directions at once, as socat does. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        header = "Copy both ways between two URIs at once, as socat does.",
        description = {
            "Copy A to B and B to A at the same time, as socat does. When one side reaches end of stream,"
                    + " the other side's output is ended: half-closed where its channel has SHUTDOWN, closed"
                    + " otherwise. The relay ends when both directions have; any error ends both."
        },
        footerHeading = "%nExample:%n",
        footer = "  qio relay - tcp://example.org:80     (standard input and output to a socket)")
final class RelayCommand implements Callable<Integer> {
    @ParentCommand
    QioCommand root;

    @Parameters(index = "0", paramLabel = "A", description = "Channel URI, or '-' for standard input and output.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "Channel URI, or '-' for standard input and output.")
    String b;

    @Option(
            names = {"-t", "--timeout"},
            paramLabel = "MS",
            description = "After one direction ends, wait at most MS milliseconds for the other, then close both"
                    + " (socat's -t). Default: wait until it ends.")
    Long timeoutMs;

    @Option(
            names = "--summary",
            description = "When the relay ends, print one line on standard error: bytes each way, time and rate,"
                    + " e.g. 'qio relay: A to B 4 B (4 bytes) in 0.010 s, 400 B/s; B to A ...'.")
    boolean summary;

    @Override
    public Integer call() throws IOException {
        if (timeoutMs != null && timeoutMs < 0) {
            throw new IllegalArgumentException("--timeout must be at least 0, not " + timeoutMs);
        }
        Stdio stdio = root.stdio();
        var registry = root.installed().registry();
        Endpoint first = Endpoints.open(a, registry, stdio.in(), stdio.out());
        Endpoint second;
        try {
            second = Endpoints.open(b, registry, stdio.in(), stdio.out());
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
        long start = System.nanoTime();
        Relay.Totals moved = Relay.run(first, second, timeoutMs == null ? null : Duration.ofMillis(timeoutMs));
        if (summary) {
            long took = System.nanoTime() - start;
            stdio.err()
                    .println("qio relay: A to B " + Progress.summary(moved.aToB(), took) + "; B to A "
                            + Progress.summary(moved.bToA(), took));
        }
        return 0;
    }
}
