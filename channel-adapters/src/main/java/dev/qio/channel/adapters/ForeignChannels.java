package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Wraps transports that qio did not open as {@link IoChannel}s with the features they really
 * have, so that code written against {@code IoChannel} (a {@code tls+} layer from
 * {@code TlsChannels}, the conformance kit, {@code qio relay}) can use them.
 *
 * <pre>{@code
 * SocketChannel raw = SocketChannel.open(new InetSocketAddress("example.org", 443));
 * try (IoChannel tls = TlsChannels.client(ForeignChannels.ofSocket(raw, "tcp://example.org:443"), creds, "example.org").handshake()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Every wrapper owns what it wraps: closing the channel closes it, and nobody else may read or
 * write it any more (bytes taken from it meanwhile are lost to the channel). Two more wrappers
 * live with the providers of their transports: {@code dev.qio.provider.file.FileChannels.wrap}
 * (a {@link java.nio.channels.FileChannel}) and
 * {@code dev.qio.provider.command.CommandChannels.adopt} (a running {@link Process}).
 */
public final class ForeignChannels {
    private ForeignChannels() {}

    /**
     * A connected {@link SocketChannel} (TCP or unix) as a channel that behaves as
     * {@code IoChannels.open("tcp://…")} does:
     * <ul>
     *   <li>the socket is switched to non-blocking mode and stays there; a blocking read or write
     *       waits for readiness on qio's shared poller (a virtual thread parks without holding a
     *       carrier), a non-blocking one returns {@code ERR_BLOCK} when the kernel has nothing
     *       to give or no room;
     *   <li>features {@link dev.qio.channel.Feature#SHUTDOWN} ({@code shutdown(WRITE)} sends FIN,
     *       {@code shutdown(READ)} makes reads return EOF and wakes a blocked reader) and
     *       {@link dev.qio.channel.Feature#CONCURRENT_IO}; never FD_PASS, even on a unix socket;
     *   <li>{@code close()} closes the socket and wakes blocked readers and writers with
     *       {@link java.nio.channels.AsynchronousCloseException}; an interrupt does not close it
     *       (qio waits on readiness, not inside the socket's own blocking call);
     *   <li>{@code setDelay} sets {@code TCP_NODELAY} where the socket has it; {@code setCork}
     *       is ignored.
     * </ul>
     *
     * @param socket a connected socket that was not registered with a selector in blocking mode
     * @param name the channel's name, used in every message, e.g. {@code "tcp://10.0.0.1:5900"}
     * @throws IllegalArgumentException if the socket is not connected
     * @throws java.nio.channels.ClosedChannelException if it is closed
     * @throws IOException if it cannot be switched to non-blocking mode
     */
    public static IoChannel ofSocket(SocketChannel socket, String name) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(name, "name");
        if (!socket.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (!socket.isConnected()) {
            throw new IllegalArgumentException(name + ": socket " + socket + " is not connected");
        }
        return new SocketChannelAdapter(name, socket);
    }

    /**
     * A pair of {@code java.io} streams as one channel: reads come from {@code in}, writes go to
     * {@code out} (a socket's two streams, a {@code Process}'s, two pipes'). Streams only block, so:
     * <ul>
     *   <li>the channel works in <strong>blocking mode only</strong>: {@code setBlocking(false)}
     *       throws {@link UnsupportedOperationException}, and readiness always reports {@code IN}
     *       and {@code OUT} (as for a FIFO), so {@code await} returns at once and the read that
     *       follows does the waiting;
     *   <li>a read makes one {@code in.read} of at most 64 KiB, scatters what it gave over the iov
     *       and returns its count, or {@code EOF} when it returns -1; a write gathers at most
     *       64 KiB from the iov, hands them to {@code out} in one call, flushes, and returns their
     *       count (a partial write when the iov holds more);
     *   <li>feature {@link dev.qio.channel.Feature#CONCURRENT_IO} (one read and one write may run
     *       at once, on the two streams); no SHUTDOWN: closing one stream of a socket closes the
     *       socket, so half-close is not there to offer;
     *   <li>{@code close()} closes {@code in}, then {@code out}; whether that wakes a thread blocked
     *       in {@code in.read} is up to the stream (a socket's does, with
     *       {@link java.nio.channels.AsynchronousCloseException} here; a {@code FileInputStream} on
     *       a pipe may not); an interrupt does not wake it either, as with any {@code java.io}
     *       stream.
     * </ul>
     *
     * @param name the channel's name, used in every message
     */
    public static IoChannel ofStreams(InputStream in, OutputStream out, String name) {
        return new StreamPairChannel(
                Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(in, "in"),
                Objects.requireNonNull(out, "out"));
    }
}
