package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Whence;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/** Connected pairs for the adapter tests, by provider name and from raw java.nio channels. */
final class Pairs {
    private Pairs() {}

    /** Socket buffers small enough for the kit's FILL properties to fill them quickly. */
    static final int BUFFER = 65_536;
    /** What a socket pair can do for the kit. */
    static final java.util.Set<dev.qio.testkit.Capability> STREAM = java.util.EnumSet.of(
            dev.qio.testkit.Capability.ROUND_TRIP,
            dev.qio.testkit.Capability.CONCURRENT,
            dev.qio.testkit.Capability.STARVE,
            dev.qio.testkit.Capability.FILL);

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A fresh pair over {@code provider}: mem, tcp, file (write, then a second handle reads) or buffer (one channel). */
    static ChannelPair open(String provider, Path dir) throws IOException {
        return switch (provider) {
            case "mem" -> ChannelPair.connected(IoChannels.registry(), "mem://adapters-" + NAMES.incrementAndGet(), "");
            case "tcp" -> ChannelPair.connected(IoChannels.registry(), "tcp://127.0.0.1:0", "");
            case "file" -> {
                Path file = dir.resolve("views-" + NAMES.incrementAndGet());
                yield ChannelPair.writeThenRead(
                        IoChannels.open(file.toUri() + "?mode=w"),
                        () -> IoChannels.open(file.toUri().toString()),
                        () -> Files.deleteIfExists(file));
            }
            case "buffer" -> ChannelPair.loopback(IoChannels.open("buffer:"), ch -> ch.seek(0, Whence.SET));
            default -> throw new IllegalArgumentException("no pair for " + provider);
        };
    }

    /** Two connected loopback TCP sockets, {@code [client, accepted]}, with small buffers. */
    static SocketChannel[] sockets() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open();
            try {
                client.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
                client.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER);
                client.connect(server.getLocalAddress());
                SocketChannel accepted = server.accept(); // blocking: the client is already connected
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
                return new SocketChannel[] {client, accepted};
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }

    /** The two sockets of {@link #sockets()}, wrapped: {@code [client, accepted]}. */
    static IoChannel[] wrappedSockets() throws IOException {
        SocketChannel[] raw = sockets();
        try {
            return new IoChannel[] {
                ForeignChannels.ofSocket(raw[0], "foreign-client"), ForeignChannels.ofSocket(raw[1], "foreign-accepted")
            };
        } catch (IOException | RuntimeException e) {
            raw[0].close();
            raw[1].close();
            throw e;
        }
    }

    /** A file channel opened by java.nio, not by qio. */
    static FileChannel rawFile(Path file, StandardOpenOption... options) throws IOException {
        return FileChannel.open(file, options);
    }

    /**
     * A PKCS#12 keystore at {@code dir/server.p12} holding a self-signed EC key for CN=localhost,
     * made by the running JDK's keytool: enough for a TLS server whose clients do not verify it.
     */
    static Path selfSignedKeystore(Path dir, char[] password) throws IOException {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(java.util.List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-dname",
                        "CN=localhost",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        new String(password)))
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0 || !Files.exists(store)) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while keytool ran");
        }
        return store;
    }
}
