package dev.qio.channel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;

/**
 * A byte stream with QEMU's {@code QIOChannel} semantics: vectored reads and writes that may move
 * fewer bytes than asked, an explicit would-block result in non-blocking mode, optional features
 * per instance, and readiness watches.
 *
 * <h2>Results</h2>
 * A read returns the number of bytes moved ({@code n > 0}), {@link #EOF} at end of stream, or
 * {@link #ERR_BLOCK} in non-blocking mode when nothing could move; errors throw
 * {@link IOException} with a message naming the channel. A write returns {@code n > 0} or
 * {@code ERR_BLOCK}. A read or write of an iov with bytes remaining never returns 0; one with none
 * remaining returns 0 without touching the channel. QEMU returns 0 at end of stream; qio returns
 * -1 because Java readers expect it.
 *
 * <h2>Buffers</h2>
 * Bytes fill (or drain) the iov's buffers strictly in order, from each buffer's position towards
 * its limit; every buffer before the last one touched ends with nothing remaining, and each
 * position advances by exactly the bytes moved through it. Buffers may be heap, direct or
 * {@code MemorySegment}-backed, and of length zero.
 *
 * <h2>Blocking</h2>
 * A new channel is blocking. A blocking read waits until at least one byte, EOF or an error; a
 * blocking write waits until at least one byte is accepted. Neither promises more: loop, or use
 * the {@code *All} methods, which also work in non-blocking mode by {@linkplain #await awaiting}
 * readiness between tries. A non-blocking read or write never waits for the peer: when nothing
 * can move it returns {@link #ERR_BLOCK} promptly, and an iov with nothing remaining returns 0 at
 * once in either mode. The conformance kit holds every provider to a bound of 5 seconds for these,
 * and for {@code close} and {@code shutdown} to wake a blocked thread: a liveness promise, not a
 * speed.
 *
 * <h2>Threads</h2>
 * One read and one write may run at the same time on different threads when the channel
 * advertises {@link Feature#CONCURRENT_IO}. Two reads (or two writes) on one channel are
 * serialised: the second waits for the first, and an {@code *All} call holds its direction for the
 * whole transfer, so concurrent messages never interleave. {@link #shutdown}, {@link #close} and
 * {@link #setName} may be called from any thread at any time; {@code close} and
 * {@code shutdown(READ)} wake a blocked reader ({@link java.nio.channels.AsynchronousCloseException}
 * and {@link #EOF} respectively), and {@code close} wakes a blocked writer.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} is idempotent; every I/O operation after it throws
 * {@link ClosedChannelException}. Closing releases everything the channel holds (descriptors,
 * threads, child processes) and removes its watches.
 *
 * @see IoChannels#open(String)
 */
public interface IoChannel extends Channel {
    /** Read result: end of stream. QEMU returns 0 here. */
    int EOF = -1;

    /** Read or write result: non-blocking mode and nothing could move ({@code QIO_CHANNEL_ERR_BLOCK}). */
    int ERR_BLOCK = -2;

    // ---- identity and features ------------------------------------------------------------

    /** The channel's name, used in error messages and thread names; by default its URI. */
    String name();

    /** Renames the channel ({@code qio_channel_set_name}). Thread-safe. */
    void setName(String name);

    /** The features this instance has; an unmodifiable view that does not change after opening. */
    Set<Feature> features();

    /** Whether this instance has {@code feature} ({@code qio_channel_has_feature}). */
    boolean hasFeature(Feature feature);

    // ---- reads ------------------------------------------------------------------------------

    /**
     * Reads into {@code iov}, and receives file descriptors (QEMU's {@code readv_full}).
     *
     * <p>In blocking mode waits for at least one byte, end of stream or an error, then moves as
     * many bytes as are available, up to what the iov has room for. Descriptors that arrive with
     * the bytes are appended to {@code fdsOut} and belong to the caller.
     *
     * @param iov the buffers to fill, in order
     * @param fdsOut where received descriptors go, or {@code null} to receive none (any that arrive
     *     are then closed); non-null needs {@link Feature#FD_PASS}
     * @param flags {@link ReadFlag}s; {@link ReadFlag#MSG_PEEK} needs {@link Feature#READ_MSG_PEEK}
     * @return {@code n > 0} bytes read; {@link #EOF} at end of stream, after which reads keep
     *     returning EOF; {@link #ERR_BLOCK} only in non-blocking mode, when nothing is available;
     *     0 only when the iov has no room
     * @throws UnsupportedFeatureException if a needed feature is missing
     * @throws ClosedChannelException if the channel is closed, or closed while this read waited
     * @throws IOException if the transport fails; the message names the channel
     * @implNote QEMU: {@code qio_channel_readv_full}.
     */
    long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException;

    /**
     * Behaves exactly as {@code readv(iov, null, Set.of())}.
     *
     * @implNote QEMU: {@code qio_channel_readv}.
     */
    long readv(ByteBuffer... iov) throws IOException;

    /**
     * Behaves exactly as {@code readv(dst)} with one buffer.
     *
     * @return bytes read, {@link #EOF}, {@link #ERR_BLOCK}, or 0 when {@code dst} has no room
     * @implNote QEMU: {@code qio_channel_read}.
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Reads until every buffer in {@code iov} is full, waiting for readiness whenever the channel
     * would block, or reports a clean end of stream (QEMU's {@code readv_full_all_eof}).
     *
     * <p>Descriptors are collected from the first read that returns; on any failure the
     * descriptors this call received are closed and removed from {@code fdsOut}. A first read that
     * delivered only descriptors makes a later EOF unclean. {@link ReadFlag#MSG_PEEK} is refused.
     *
     * @return {@code true} when every buffer was filled; {@code false} at end of stream before any
     *     byte (or descriptor) arrived
     * @throws EOFException at end of stream after some bytes arrived but before the iov was full
     * @throws IOException as {@link #readv(ByteBuffer[], List, Set)}
     */
    boolean readvAllEof(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException;

    /** Behaves exactly as {@code readvAllEof(iov, null, Set.of())}. */
    boolean readvAllEof(ByteBuffer... iov) throws IOException;

    /** Behaves exactly as {@code readvAllEof(dst)} with one buffer. */
    boolean readAllEof(ByteBuffer dst) throws IOException;

    /**
     * Behaves as {@link #readvAllEof(ByteBuffer[], List, Set)}, but end of stream is always an
     * error (QEMU's {@code readv_full_all}).
     *
     * @throws EOFException at end of stream before the iov was full, even before any byte
     */
    void readvAll(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException;

    /** Behaves exactly as {@code readvAll(iov, null, Set.of())}. */
    void readvAll(ByteBuffer... iov) throws IOException;

    /** Behaves exactly as {@code readvAll(dst)} with one buffer. */
    void readAll(ByteBuffer dst) throws IOException;

    // ---- writes -----------------------------------------------------------------------------

    /**
     * Writes from {@code iov}, and sends file descriptors with the bytes (QEMU's
     * {@code writev_full}).
     *
     * <p>In blocking mode waits until at least one byte is accepted. Descriptors travel with the
     * first byte of this write; all of them are sent whenever the write moves at least one byte.
     * The caller keeps ownership of the descriptors it passes.
     *
     * @param iov the buffers to send, in order
     * @param fds descriptors to send, or {@code null}/empty; non-empty needs
     *     {@link Feature#FD_PASS} and at least one byte in the iov
     * @param flags {@link WriteFlag}s; {@link WriteFlag#ZERO_COPY} needs
     *     {@link Feature#WRITE_ZERO_COPY} and no descriptors
     * @return {@code n > 0} bytes written; {@link #ERR_BLOCK} only in non-blocking mode, when no
     *     byte could be accepted; 0 only when the iov is empty
     * @throws UnsupportedFeatureException if a needed feature is missing
     * @throws ClosedChannelException if the channel is closed, or closed while this write waited
     * @throws IOException if the transport fails, for example the peer is gone
     * @implNote QEMU: {@code qio_channel_writev_full}.
     */
    long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException;

    /** Behaves exactly as {@code writev(iov, null, Set.of())}. */
    long writev(ByteBuffer... iov) throws IOException;

    /** Behaves exactly as {@code writev(src)} with one buffer. */
    int write(ByteBuffer src) throws IOException;

    /**
     * Writes every byte of {@code iov}, waiting for readiness whenever the channel would block
     * (QEMU's {@code writev_full_all}). Descriptors go with the first chunk only. With
     * {@link WriteFlag#ZERO_COPY} this returns once everything is queued; call {@link #flush()}
     * before reusing the buffers.
     *
     * @throws IOException as {@link #writev(ByteBuffer[], List, Set)}
     */
    void writevAll(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException;

    /** Behaves exactly as {@code writevAll(iov, null, Set.of())}. */
    void writevAll(ByteBuffer... iov) throws IOException;

    /** Behaves exactly as {@code writevAll(src)} with one buffer. */
    void writeAll(ByteBuffer src) throws IOException;

    // ---- positional I/O -----------------------------------------------------------------------

    /**
     * Reads at an absolute offset without moving the channel's position (QEMU's {@code preadv}).
     * Needs {@link Feature#SEEKABLE}.
     *
     * @return {@code n > 0} bytes read, {@link #EOF} when {@code offset} is at or past the end, or 0
     *     when the iov has no room
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    long preadv(ByteBuffer[] iov, long offset) throws IOException;

    /**
     * Writes at an absolute offset without moving the channel's position (QEMU's {@code pwritev}).
     * Needs {@link Feature#SEEKABLE}. Writing past the end leaves a gap that reads as zeros.
     *
     * @return {@code n > 0} bytes written, or 0 when the iov is empty
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    long pwritev(ByteBuffer[] iov, long offset) throws IOException;

    /**
     * Moves the position (QEMU's {@code io_seek}). Needs {@link Feature#SEEKABLE}. A position past
     * the end is allowed; a later write there leaves a gap that reads as zeros.
     *
     * @return the new position
     * @throws IllegalArgumentException if the new position would be negative
     */
    long seek(long offset, Whence whence) throws IOException;

    // ---- modes and hints ------------------------------------------------------------------------

    /**
     * Switches between blocking and non-blocking mode ({@code qio_channel_set_blocking}). Takes
     * effect for the next operation; an operation already waiting keeps its mode.
     *
     * @throws UnsupportedOperationException if the channel works in blocking mode only (a FIFO or
     *     device opened through {@code file:}); it stays blocking
     */
    void setBlocking(boolean blocking) throws IOException;

    /** Whether the channel is in blocking mode (the default). */
    boolean isBlocking();

    /**
     * Hint: {@code false} sends small writes at once (TCP_NODELAY), {@code true} lets the transport
     * delay them to coalesce. Never fails; channels without such a knob ignore it.
     */
    void setDelay(boolean enabled);

    /**
     * Hint: while corked, the transport may hold writes back to send them together; uncorking sends
     * what is held. Never fails; channels without such a knob ignore it.
     */
    void setCork(boolean enabled);

    /**
     * Closes one or both directions (QEMU's {@code shutdown}). Needs {@link Feature#SHUTDOWN}.
     * Thread-safe and never blocks. {@link Shutdown#WRITE} makes the peer read EOF after what was
     * sent; {@link Shutdown#READ} makes reads here return EOF and wakes a blocked reader.
     * Idempotent per direction.
     */
    void shutdown(Shutdown how) throws IOException;

    /**
     * Waits until zero-copy writes completed (QEMU's {@code flush}).
     *
     * @return 0, or 1 when every zero-copy send fell back to copying; 0 without
     *     {@link Feature#WRITE_ZERO_COPY}
     */
    int flush() throws IOException;

    /**
     * The peer process's id, where the transport knows it (unix sockets).
     *
     * @throws UnsupportedOperationException where it does not
     */
    long peerPid() throws IOException;

    /**
     * The peer process's credentials: pid, uid and gid, where the transport knows them (unix
     * sockets on the native backend, {@code SO_PEERCRED}). {@link #peerPid()} is this record's pid.
     *
     * @throws UnsupportedOperationException where the transport does not know them (TCP, the
     *     {@code java.nio} backend, in-process channels); the message says why
     * @throws java.nio.channels.ClosedChannelException if the channel is closed
     * @throws IOException if the kernel cannot tell
     */
    default PeerCredentials peerCredentials() throws IOException {
        throw new UnsupportedOperationException(name() + ": Channel does not support peer credentials");
    }

    // ---- readiness --------------------------------------------------------------------------

    /**
     * Watches for {@code conditions} on the {@linkplain EventLoop#shared() shared loop}; behaves
     * exactly as {@code addWatch(conditions, callback, EventLoop.shared())}.
     */
    Watch addWatch(Set<IoCondition> conditions, WatchCallback callback);

    /**
     * Runs {@code callback} on {@code loop} whenever one of {@code conditions} holds (QEMU's
     * {@code add_watch_full}). The watch is level triggered: it runs once soon after creation if a
     * condition already holds, and again as long as one holds and the callback returns
     * {@code true}. It ends when the callback returns {@code false}, when it is closed, or when the
     * channel or loop closes.
     *
     * @param conditions non-empty
     */
    Watch addWatch(Set<IoCondition> conditions, WatchCallback callback, EventLoop loop);

    /**
     * Blocks the calling thread until {@code condition} holds (QEMU's {@code qio_channel_wait}).
     * {@link IoCondition#IN} holds when a read would not block: data, end of stream, or an error
     * the read will report; {@link IoCondition#OUT} likewise for a write. So after {@code await}
     * the next operation makes progress or says why it cannot (readiness is a hint: another thread
     * may take the data first). Returns at once if the condition already holds. On a virtual
     * thread it parks without pinning its carrier.
     *
     * @throws ClosedChannelException if the channel is closed before or while waiting
     * @throws java.io.InterruptedIOException if the thread is interrupted; its interrupt status
     *     stays set
     */
    void await(IoCondition condition) throws IOException;

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Closes the channel, flushing what the transport holds (QEMU's {@code close}). Idempotent;
     * wakes blocked readers and writers; removes watches; later I/O throws
     * {@link ClosedChannelException}.
     */
    @Override
    void close() throws IOException;
}
