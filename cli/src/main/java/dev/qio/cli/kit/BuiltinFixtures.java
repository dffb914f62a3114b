package dev.qio.cli.kit;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Whence;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.channel.spi.linux.NativePairs;
import dev.qio.channel.spi.linux.OwnedFd;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.FixtureSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.TestAbortedException;

/**
 * The fixtures of the built-in providers, as their own conformance tests build them: {@code mem}
 * (a listener, a client and the accepted end), {@code buffer} (one channel, rewound),
 * {@code null} (an empty source and a discarding sink), {@code file} (written through one
 * channel, read through a second), {@code file-rw} (one channel, rewound), {@code tcp} and
 * {@code unix} (listen, connect, accept, 64 KiB socket buffers) and {@code command}
 * ({@code command:cat} as a loopback), and, where the {@code tls+} provider is installed,
 * {@code tls} ({@link TlsFixture}: {@code tls+mem://} with certificates keytool makes), and where
 * the {@code ws+} provider is, {@code ws} ({@code ws+mem://}), and {@code fd} (both ends of a unix
 * socketpair, adopted; native backend only). The file,
 * unix and tls fixtures work in a temporary directory that their {@code close()} removes.
 */
public final class BuiltinFixtures implements FixtureSource {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    @Override
    public List<ChannelFixture> fixtures(ChannelRegistry registry) {
        List<ChannelFixture> all = new ArrayList<>(List.of(
                ChannelFixture.of(
                        "mem",
                        EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL),
                        () -> ChannelPair.connected(
                                registry,
                                "mem://qio-kit-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet(),
                                "")),
                ChannelFixture.of(
                        "buffer",
                        EnumSet.of(Capability.ROUND_TRIP),
                        () -> ChannelPair.loopback(registry.open("buffer:"), ch -> ch.seek(0, Whence.SET))),
                ChannelFixture.of(
                        "null",
                        EnumSet.of(Capability.EMPTY_SOURCE, Capability.DISCARDING_SINK),
                        () -> ChannelPair.of(registry.open("null:"), registry.open("null:"))),
                new FileFixture("file", registry, false),
                new FileFixture("file-rw", registry, true),
                ChannelFixture.of(
                        "tcp",
                        STREAM,
                        () -> ChannelPair.connected(registry, "tcp://127.0.0.1:0?" + SOCKET_BUFFERS, SOCKET_BUFFERS)),
                new UnixFixture(registry),
                ChannelFixture.of(
                        "command",
                        EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE),
                        () -> ChannelPair.loopback(registry.open("command:cat"), ch -> ch.shutdown(Shutdown.WRITE)))));
        if (registry.schemes().contains("tls")) {
            all.add(new TlsFixture(registry)); // a layer: only where the tls+ provider is installed
        }
        if (registry.schemes().contains("ws")) { // likewise: ws+mem://, a WebSocket over an in-process pipe
            all.add(ChannelFixture.of(
                    "ws",
                    STREAM,
                    () -> ChannelPair.connected(
                            registry,
                            "ws+mem://qio-kit-ws-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet(),
                            "")));
        }
        if (registry.schemes().contains("fd")) { // native backend only: the fixture skips, saying why, elsewhere
            all.add(ChannelFixture.of("fd", STREAM, () -> adoptedSocketPair(registry)));
        }
        return List.copyOf(all);
    }

    /** Both ends of a unix socketpair as {@code fd:N?dup=true} channels; the originals close at once. */
    private static ChannelPair adoptedSocketPair(ChannelRegistry registry) throws IOException {
        if (!Linux.isAvailable()) {
            throw new TestAbortedException(
                    "fd: needs the native backend: " + Linux.unavailableReason().orElseThrow());
        }
        OwnedFd[] ends = NativePairs.socketPair();
        try (OwnedFd near = ends[0];
                OwnedFd far = ends[1]) {
            IoChannel writer = registry.open("fd:" + near.value() + "?dup=true");
            try {
                return ChannelPair.of(writer, registry.open("fd:" + far.value() + "?dup=true"));
            } catch (IOException | RuntimeException e) {
                writer.close();
                throw e;
            }
        }
    }

    /** What a socket pair can do; its buffers are shrunk so that writes are really partial. */
    private static final Set<Capability> STREAM =
            EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);

    private static final String SOCKET_BUFFERS = "sndbuf=65536&rcvbuf=65536";

    /** {@code unix:} pairs with their socket files in a temporary directory that close removes. */
    static final class UnixFixture implements ChannelFixture, AutoCloseable {
        private final ChannelRegistry registry;
        private final FixtureDir dir = new FixtureDir("qio-kit-unix-");

        UnixFixture(ChannelRegistry registry) {
            this.registry = registry;
        }

        @Override
        public String name() {
            return "unix";
        }

        @Override
        public Set<Capability> capabilities() {
            return STREAM;
        }

        @Override
        public ChannelPair open() throws IOException {
            Path socket = dir.get().resolve("s" + SERIAL.incrementAndGet());
            return ChannelPair.connected(
                    registry, "unix://" + socket.toUri().getRawPath() + "?" + SOCKET_BUFFERS, SOCKET_BUFFERS);
        }

        /** Removes the directory; the listeners already removed their socket files. */
        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    /**
     * {@code file:} in a temporary directory made on first use. {@code file}: written through a
     * channel opened {@code mode=rw&create=true&truncate=true} (the kit's SEEKABLE model runs on the
     * writer, which must read), closed, then read through a second one opened {@code mode=r};
     * {@code file-rw}: one {@code mode=rw} channel, rewound with {@code seek(0, SET)}.
     */
    static final class FileFixture implements ChannelFixture, AutoCloseable {
        private final String name;
        private final ChannelRegistry registry;
        private final boolean loopback;
        private final FixtureDir dir = new FixtureDir("qio-kit-");

        FileFixture(String name, ChannelRegistry registry, boolean loopback) {
            this.name = name;
            this.registry = registry;
            this.loopback = loopback;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.ROUND_TRIP);
        }

        @Override
        public ChannelPair open() throws IOException {
            Path file = dir.get().resolve(name + "-" + SERIAL.incrementAndGet() + ".bin");
            if (loopback) {
                return ChannelPair.loopback(
                        registry.open(uri(file, "mode=rw&create=true")),
                        ch -> ch.seek(0, Whence.SET),
                        () -> Files.deleteIfExists(file));
            }
            return ChannelPair.writeThenRead(
                    registry.open(uri(file, "mode=rw&create=true&truncate=true")),
                    () -> registry.open(uri(file, "mode=r")),
                    () -> Files.deleteIfExists(file));
        }

        /** Removes the temporary directory and whatever a failed pair left in it. */
        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    /** {@code file:///PATH?QUERY}, the path percent-encoded as a URI needs. */
    static String uri(Path file, String query) {
        return file.toAbsolutePath().toUri() + "?" + query;
    }
}
