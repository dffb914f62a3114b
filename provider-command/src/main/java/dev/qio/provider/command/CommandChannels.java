package dev.qio.provider.command;

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
        return ProcessChannel.spawn(nameOf(copy), copy, options);
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
