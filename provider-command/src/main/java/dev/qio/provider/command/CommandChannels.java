package dev.qio.provider.command;

import dev.qio.channel.spi.linux.NativeProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Starts child processes as channels from an argv, for code that has one rather than a
 * {@code command:} URI. The channels are the same: {@code spawn(List.of("cat"), defaults())}
 * behaves as {@code IoChannels.open("command:cat")}.
 *
 * <pre>{@code
 * try (CommandChannel sort = CommandChannels.spawn(List.of("sort", "-r"), CommandOptions.defaults())) {
 *     sort.writeAll(ByteBuffer.wrap("b\na\nc\n".getBytes(US_ASCII)));
 *     sort.shutdown(Shutdown.WRITE);          // sort sees EOF and answers
 *     ByteBuffer answer = ByteBuffer.allocate(6);
 *     sort.readAll(answer);                   // "c\nb\na\n"
 * }                                           // waits for sort; throws if it failed
 * }</pre>
 */
public final class CommandChannels {
    private CommandChannels() {}

    /**
     * Starts {@code argv} as a child process, never through a shell: the child's argv is exactly
     * {@code argv}, each element reaching it unchanged. The program ({@code argv.get(0)}) is a path
     * if it holds a {@code /} (relative to the child's working directory), else a name looked up on
     * the JVM's {@code PATH}. The channel is named {@code command:PROGRAM?arg=...}, the URI that
     * would open the same child (with the default options), and starts in blocking mode.
     *
     * @param argv the program and its arguments; not empty, no {@code null}s, a non-empty program
     * @throws IllegalArgumentException if {@code argv} is empty or its program is the empty string
     * @throws IOException if the program is missing or not executable, or the working directory is
     *     not an existing directory (the message names which), or the child cannot be started
     */
    public static CommandChannel spawn(List<String> argv, CommandOptions options) throws IOException {
        List<String> copy = List.copyOf(argv); // rejects null elements
        Objects.requireNonNull(options, "options");
        if (copy.isEmpty() || copy.getFirst().isEmpty()) {
            throw new IllegalArgumentException("argv " + argv + " has no program");
        }
        return start(nameOf(copy), copy, options);
    }

    /**
     * Starts {@code argv} on the native backend where it can run ({@link NativeCommandChannel}),
     * else through {@link ProcessBuilder} ({@link ProcessChannel}); both behave as
     * {@link CommandChannel} describes.
     */
    static CommandChannel start(String name, List<String> argv, CommandOptions options) throws IOException {
        if (NativeProcess.unavailableReason().isEmpty()) {
            return NativeCommandChannel.spawn(name, argv, options);
        }
        return ProcessChannel.spawn(name, argv, options);
    }

    /**
     * Takes over a child process that is already running, started by a {@link ProcessBuilder} or
     * anything else, as a channel that behaves exactly as one from {@link #spawn}: reads come from
     * its stdout, writes go to its stdin, {@code close()} ends it as {@link CommandChannel#close()}
     * describes (after {@code options.grace()}, SIGTERM, then SIGKILL). Only
     * {@code options.mode()} and {@code options.grace()} apply; the rest described how to start a
     * child. In mode {@code r} the child's stdin is closed now.
     *
     * <p>The channel owns {@code process} from now on: nobody else may read its stdout or write its
     * stdin (bytes already taken from them are not the channel's), and a stream the
     * {@code ProcessBuilder} redirected elsewhere reads as EOF (stdout) or discards (stdin), as
     * {@link Process} makes it. The channel is named as {@link #spawn} names it when
     * {@link ProcessHandle.Info#commandLine()} knows the child's argv, else {@code process:PID}.
     *
     * @throws IllegalArgumentException if the process has already exited
     */
    public static CommandChannel adopt(Process process, CommandOptions options) {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(options, "options");
        if (!process.isAlive()) {
            throw new IllegalArgumentException(
                    "process " + process.pid() + " has already exited with status " + process.exitValue());
        }
        ProcessHandle.Info info = process.info();
        List<String> argv = info.command()
                .map(program -> {
                    List<String> all = new java.util.ArrayList<>();
                    all.add(program);
                    info.arguments().ifPresent(args -> all.addAll(List.of(args)));
                    return List.copyOf(all);
                })
                .orElse(List.of("process:" + process.pid()));
        String name = info.command().isPresent() ? nameOf(argv) : argv.getFirst();
        return ProcessChannel.adopt(name, argv, process, options);
    }

    /** {@code command:PROGRAM?arg=A&arg=B}, percent-encoded so that it reads back as the same argv. */
    static String nameOf(List<String> argv) {
        StringBuilder name = new StringBuilder("command:").append(encode(argv.getFirst()));
        for (int i = 1; i < argv.size(); i++) {
            name.append(i == 1 ? '?' : '&').append("arg=").append(encode(argv.get(i)));
        }
        return name.toString();
    }

    private static String encode(String s) {
        // Form encoding writes a space as '+', which a URI query keeps as a plus: use %20.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
