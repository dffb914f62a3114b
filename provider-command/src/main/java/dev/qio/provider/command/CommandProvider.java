package dev.qio.provider.command;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.TableProvider;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The {@code command} scheme: a child process's stdin and stdout as a channel (QEMU's
 * {@code QIOChannelCommand}).
 *
 * <p>{@code command:PROGRAM[?arg=A&arg=B&mode=r|w|rw&cwd=DIR&env.NAME=VALUE&stderr=inherit|discard|merge&grace=MS]}
 * <ul>
 *   <li>argv is exactly PROGRAM and the {@code arg}s in order, never through a shell; values are
 *       percent-decoded ({@code arg=a%20b} is one argument {@code a b}, {@code +} stays a plus).
 *       A PROGRAM with a {@code /} is a path ({@code command:/usr/bin/env}, {@code command:./run});
 *       a bare one is looked up on the JVM's {@code PATH}.
 *   <li>{@code mode} (default {@code rw}), {@code cwd}, {@code env.NAME}, {@code stderr} (default
 *       {@code inherit}) and {@code grace} (default 5000) are {@link CommandOptions}.
 * </ul>
 * Unknown options and bad values are {@link IllegalArgumentException}s naming the option, raised
 * before anything starts; a missing or non-executable program and a bad {@code cwd} are
 * {@link IOException}s naming them. Channels are {@link CommandChannel}s: on the native backend
 * where it runs, else on {@link ProcessBuilder} (see {@link CommandChannel} for the difference).
 * Instances are stateless.
 */
@AutoService(ChannelProvider.class)
public final class CommandProvider extends TableProvider {
    private static final SchemeTable SCHEMES =
            SchemeTable.of(Map.of("command", EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO)));

    /** For {@link java.util.ServiceLoader}, and for {@link ChannelRegistry#of}. */
    public CommandProvider() {
        super(SCHEMES);
    }

    /**
     * Starts the child the URI describes; see the class description.
     *
     * @return a {@link CommandChannel}, in blocking mode
     */
    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        requireScheme(uri.getScheme());
        UriOptions options = UriOptions.of(uri);
        String program = options.target();
        if (program.isEmpty()) {
            throw new IllegalArgumentException(options.uri() + ": no program: expected command:PROGRAM[?arg=...]");
        }
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(options.allowEmpty("arg").all("arg")); // an empty argument is an argument
        CommandOptions parsed = CommandOptions.defaults()
                .withMode(options.choice("mode", CommandOptions.Mode.class, CommandOptions.Mode.RW))
                .withStderr(options.choice("stderr", CommandOptions.Stderr.class, CommandOptions.Stderr.INHERIT))
                .withGrace(options.millis("grace", CommandOptions.DEFAULT_GRACE));
        String cwd = options.string("cwd").orElse(null);
        if (cwd != null) {
            parsed = parsed.withCwd(Path.of(cwd));
        }
        // UriOptions.finish() lets a bare prefix through; its value is no matter, the name is missing
        if (options.allowEmpty("env.").string("env.").isPresent()) {
            throw options.bad("env.", "needs a variable name: env.NAME=VALUE");
        }
        for (Map.Entry<String, String> e : options.prefixed("env.").entrySet()) {
            try {
                parsed = parsed.withEnv(e.getKey(), e.getValue());
            } catch (IllegalArgumentException bad) {
                throw options.bad("env." + e.getKey(), bad.getMessage());
            }
        }
        options.finish();
        return CommandChannels.start(options.uri(), List.copyOf(argv), parsed);
    }
}
