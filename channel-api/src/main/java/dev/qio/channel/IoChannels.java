package dev.qio.channel;

import java.io.IOException;
import java.net.URI;

/**
 * Opens channels and listeners by URI through the default {@link ChannelRegistry}: the providers
 * visible to this module's class loader, loaded once on first use.
 *
 * <pre>{@code
 * try (IoChannel ch = IoChannels.open("tcp://example.org:80")) {
 *     ch.writeAll(ByteBuffer.wrap(request));
 *     ch.readAll(response);
 * }
 * }</pre>
 */
public final class IoChannels {
    private IoChannels() {}

    private static final class DefaultHolder {
        static final ChannelRegistry REGISTRY = ChannelRegistry.load(IoChannels.class.getClassLoader());
    }

    /** The default registry. */
    public static ChannelRegistry registry() {
        return DefaultHolder.REGISTRY;
    }

    /**
     * Opens {@code uri} in blocking mode with the provider of its scheme.
     *
     * @throws UnknownSchemeException if no provider claims the scheme; lists the installed ones
     * @throws IllegalArgumentException if the URI is malformed or has an unknown option
     * @throws IOException if the provider cannot open it
     */
    public static IoChannel open(String uri) throws IOException {
        return registry().open(uri);
    }

    /** Behaves exactly as {@link #open(String)}. */
    public static IoChannel open(URI uri) throws IOException {
        return registry().open(uri);
    }

    /**
     * Opens a channel on a descriptor this process holds, a received one say: behaves exactly as
     * {@code open("fd:" + fd.value() + "?dup=true")}. The channel works on a duplicate of the
     * descriptor, so {@code fd} stays the caller's to close, at once if nothing else needs it. A
     * socket becomes a socket channel (with what the native {@code unix:} or {@code tcp:} channel
     * has), anything else a file channel (SEEKABLE when it can seek).
     *
     * @throws IllegalStateException if {@code fd} is closed, or no provider of {@code fd:} can run
     *     here (it needs the Linux-native backend; the message says why it is off)
     * @throws IOException naming the descriptor if it cannot be adopted (a listening or datagram
     *     socket, say)
     */
    public static IoChannel open(NativeFd fd) throws IOException {
        return registry().open("fd:" + fd.value() + "?dup=true");
    }

    /**
     * Binds a listener on {@code uri}, in blocking mode.
     *
     * @throws UnsupportedOperationException if the scheme cannot listen
     */
    public static IoListener listen(String uri) throws IOException {
        return registry().listen(uri);
    }

    /** Behaves exactly as {@link #listen(String)}. */
    public static IoListener listen(URI uri) throws IOException {
        return registry().listen(uri);
    }

    /**
     * An input stream that reads from {@code channel}, for code that wants a {@link java.io.InputStream}.
     *
     * <ul>
     *   <li>{@code read(b, off, len)} returns {@code n > 0} bytes (at least one, never more than
     *       one channel read gave), {@code -1} at end of stream, or 0 when {@code len} is 0. It
     *       blocks in either mode: on a non-blocking channel an {@code ERR_BLOCK} becomes
     *       {@link IoChannel#await await(IN)} and a retry, so the stream never returns 0 for "not
     *       now".
     *   <li>{@code available()} returns 0: a channel does not tell how many bytes wait.
     *   <li>{@code close()} closes the channel (as {@link java.nio.channels.Channels#newInputStream}
     *       does); a blocked read then throws {@link java.nio.channels.AsynchronousCloseException}.
     *       Later reads throw {@link java.nio.channels.ClosedChannelException}.
     *   <li>Interrupt: the view adds nothing; a read does what the channel's blocking read does
     *       (for example {@link java.io.InterruptedIOException} from {@code command:},
     *       {@link java.nio.channels.ClosedByInterruptException} from {@code file:}).
     *   <li>Reads go through the channel's read lock, so the stream may be read while another
     *       thread writes the channel (where it has {@link Feature#CONCURRENT_IO}).
     * </ul>
     *
     * @return a new, unbuffered stream; wrap it in a {@link java.io.BufferedInputStream} for small reads
     */
    public static java.io.InputStream newInputStream(IoChannel channel) {
        return new ChannelViews.In(channel);
    }

    /**
     * An output stream that writes to {@code channel}.
     *
     * <ul>
     *   <li>{@code write(b, off, len)} returns once every byte was accepted by the channel
     *       ({@link IoChannel#writeAll}); on a non-blocking channel it waits for {@code OUT} between
     *       tries, so it always blocks.
     *   <li>{@code flush()} calls {@link IoChannel#flush()}; the stream holds no bytes of its own.
     *   <li>{@code close()} closes the channel (not {@code shutdown(WRITE)}; call that on the channel
     *       to half-close); later writes throw {@link java.nio.channels.ClosedChannelException}.
     *   <li>Interrupt: as for {@link #newInputStream}, whatever the channel's blocking write does.
     * </ul>
     *
     * @return a new, unbuffered stream; wrap it in a {@link java.io.BufferedOutputStream} for small writes
     */
    public static java.io.OutputStream newOutputStream(IoChannel channel) {
        return new ChannelViews.Out(channel);
    }

    /**
     * {@code channel} as a {@code java.nio} byte channel that scatters and gathers.
     *
     * <p>Results follow {@code java.nio}, not qio: a read returns {@code n > 0}, -1 at end of stream,
     * or 0 when the channel is non-blocking and nothing could move ({@code ERR_BLOCK}) or no buffer
     * has room; a write returns {@code n >= 0} the same way. The view keeps the channel's mode:
     * call {@link IoChannel#setBlocking} on the channel. Buffers fill as {@link IoChannel} says;
     * the {@code offset}/{@code length} forms use that slice of the array. Reads and writes lock as
     * the channel does; {@code close()} closes the channel and {@code isOpen()} asks it.
     *
     * <p>The view is not an {@link java.nio.channels.InterruptibleChannel}: an interrupt does what
     * the channel's blocking operation does, and does not close the channel unless the channel
     * itself does (a {@code file:} channel does, as {@link java.nio.channels.FileChannel} does).
     */
    public static IoByteChannel newByteChannel(IoChannel channel) {
        return new ChannelViews.Bytes(channel);
    }
}
