package dev.qio.cli;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.cli.io.Copy;
import dev.qio.cli.io.Endpoint;
import dev.qio.cli.io.Endpoints;
import dev.qio.cli.io.Failures;
import dev.qio.cli.io.Relay;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qio listen URI}: accept clients and relay or save them. */
@Command(
        name = "listen",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        header = "Accept clients on a URI and relay or save them.",
        description = {
            "Listen on URI and accept one client (or, with --keep, every client until interrupted)."
                    + " Each client is relayed to a freshly opened --relay URI, or its bytes are copied to"
                    + " --cat DST. Without either, the one client is relayed to standard input and output,"
                    + " like 'nc -l'. The bound address (with the real port where port 0 was asked) is printed"
                    + " on standard error."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  qio listen tcp://127.0.0.1:9000 --relay tcp://backend:80 --keep",
            "  qio listen unix:///tmp/upload.sock --cat 'file:///tmp/upload.bin?mode=w'"
        })
final class ListenCommand implements Callable<Integer> {
    @ParentCommand
    QioCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URI", description = "Where to listen, for example tcp://127.0.0.1:0.")
    String uri;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    /** What to do with a client: at most one of these. */
    static final class Mode {
        @Option(
                names = "--relay",
                paramLabel = "URI",
                description = "Relay each client to a new channel opened on URI ('-' for standard input and output).")
        String relay;

        @Option(
                names = "--cat",
                paramLabel = "DST",
                arity = "0..1",
                fallbackValue = "-",
                description = "Copy what clients send to DST, opened once; clients follow one another"
                        + " (default DST: '-', standard output).")
        String cat;
    }

    @Option(
            names = "--keep",
            description = "Keep accepting clients until interrupted: with --relay each runs in"
                    + " a thread of its own, with --cat one after the other.")
    boolean keep;

    private final AtomicInteger clients = new AtomicInteger();
    /** Set by the shutdown hook (Ctrl-C, SIGTERM) before it closes the listener. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        String relayTo = mode == null ? Endpoints.STDIO : mode.relay;
        String catTo = mode == null ? null : mode.cat;
        if (keep && Endpoints.STDIO.equals(relayTo)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--keep needs --relay URI or --cat DST: standard input cannot be shared by several clients");
        }
        Stdio stdio = root.stdio();
        ChannelRegistry registry = root.installed().registry();
        IoListener listener = registry.listen(uri);
        // On Ctrl-C or SIGTERM: close the listener, which removes what it created (a unix socket file).
        Thread closer = new Thread(
                () -> {
                    stopping = true;
                    closeQuietly(listener);
                },
                "qio-listen-close");
        Runtime.getRuntime().addShutdownHook(closer);
        try (listener) {
            stdio.err().println("qio: listening on " + listener.localUri());
            if (catTo != null) {
                saveClients(listener, catTo, registry);
            } else {
                relayClients(listener, relayTo, registry);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return 0;
    }

    /** {@code --cat}: copies each client in turn into DST, which is opened once. */
    private void saveClients(IoListener listener, String catTo, ChannelRegistry registry) throws IOException {
        try (Endpoint dst =
                Endpoints.open(catTo, registry, root.stdio().in(), root.stdio().out())) {
            do {
                Endpoint client = accept(listener);
                if (client == null) {
                    return;
                }
                try (client) {
                    serve(() -> Copy.copy(client, dst, n -> {}), client);
                }
            } while (keep);
        }
    }

    /** {@code --relay} (or standard input and output): one client, or each on a virtual thread of its own. */
    private void relayClients(IoListener listener, String relayTo, ChannelRegistry registry) throws IOException {
        if (!keep) {
            Endpoint client = accept(listener);
            if (client != null) {
                Relay.run(client, open(relayTo, registry, client), null);
            }
            return;
        }
        for (Endpoint client = accept(listener); client != null; client = accept(listener)) {
            Endpoint c = client;
            Thread.ofVirtual()
                    .name("qio-listen " + c.name())
                    .start(() -> serve(
                            () -> {
                                Relay.run(c, open(relayTo, registry, c), null);
                                return 0L;
                            },
                            c));
        }
    }

    /** The next client, or {@code null} once the shutdown hook has closed the listener. */
    private Endpoint accept(IoListener listener) throws IOException {
        IoChannel channel;
        try {
            channel = listener.accept();
        } catch (IOException e) {
            if (stopping) {
                return null;
            }
            throw Failures.naming(uri, e);
        }
        int n = clients.incrementAndGet();
        String name = "client " + n + " (" + channel.name() + ")";
        if (root.verbose()) {
            root.stdio().err().println("qio: accepted " + name);
        }
        return Endpoints.of(name, channel);
    }

    /** Opens the relay target for {@code client}, closing the client if that fails. */
    private Endpoint open(String target, ChannelRegistry registry, Endpoint client) throws IOException {
        try {
            return Endpoints.open(
                    target, registry, root.stdio().in(), root.stdio().out());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** What is done with one client. */
    @FunctionalInterface
    private interface Work {
        long run() throws IOException;
    }

    /**
     * Serves one client. Without --keep a failure ends the command; with --keep it is reported on
     * one line (with its stack trace under --verbose) and the next client is served.
     */
    private void serve(Work work, Endpoint client) {
        try {
            work.run();
        } catch (IOException | RuntimeException e) {
            if (!keep) {
                throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
            }
            String message = Errors.message(e);
            // the copy names the endpoint already; say it once
            root.stdio()
                    .err()
                    .println("qio: " + (message.startsWith(client.name()) ? message : client.name() + ": " + message));
            if (root.verbose()) {
                e.printStackTrace(root.stdio().err());
            }
            closeQuietly(client);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on the way out; the failure that matters is already reported
        }
    }
}
