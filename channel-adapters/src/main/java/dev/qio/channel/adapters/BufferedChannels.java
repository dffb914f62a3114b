package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import java.util.Objects;

/**
 * A write buffer with an explicit flush, as a layer any channel can take: the way to send many
 * small writes in few system calls, as Netty's write-then-flush does, without changing how the
 * code writes.
 *
 * <pre>{@code
 * try (IoChannel out = BufferedChannels.buffered(IoChannels.open("tcp://127.0.0.1:5900"), 64 * 1024)) {
 *     for (ByteBuffer message : messages) {
 *         out.writeAll(message); // a copy into the buffer while it fits; no system call
 *     }
 *     out.flush();               // one writev of everything held; close() alone would not wait
 * }
 * }</pre>
 */
public final class BufferedChannels {
    private BufferedChannels() {}

    /**
     * Puts a write buffer of {@code capacity} bytes on {@code inner}. The layer owns
     * {@code inner}: closing it closes {@code inner}, and nobody else may write to {@code inner}
     * any more (bytes written there meanwhile would overtake the held ones).
     *
     * <h2>Writes</h2>
     * <ul>
     *   <li>A write whose bytes fit in the buffer's free space is copied there and reported
     *       written in full; nothing reaches {@code inner}, and the peer sees nothing until a
     *       flush. The buffer is allocated once, here; writes allocate nothing (an iov of a new
     *       length makes one small array, kept for the next write of that length).
     *   <li>A write larger than the free space gives {@code inner} the held bytes and the new ones
     *       together, in one gathering {@code writev}. What {@code inner} does not take of the
     *       held bytes stays held, at the front. In blocking mode this repeats until some of the
     *       caller's bytes went, and returns how many did (so {@code writevAll} goes on with the
     *       rest, which lands in the buffer once it fits).
     *   <li>In non-blocking mode, a write of which {@code inner} takes none of the caller's bytes
     *       copies what fits into the room the held bytes left, and returns that count, or
     *       {@link IoChannel#ERR_BLOCK} when the buffer is full: nothing is lost, the caller's
     *       buffers are untouched, and the held bytes that {@code inner} took are gone from the
     *       buffer (a partial push is the only state change).
     *   <li>Descriptors ({@code FD_PASS}), zero-copy writes and positional I/O are not offered:
     *       the layer has none of those features, whatever {@code inner} has.
     * </ul>
     *
     * <h2>Flush, shutdown, close</h2>
     * <ul>
     *   <li>{@link IoChannel#flush()} gives {@code inner} every held byte, waiting as a blocking
     *       write does, then calls {@code inner.flush()} and returns what that returns. In
     *       non-blocking mode it returns {@link IoChannel#ERR_BLOCK} if {@code inner} would not
     *       take them all; the rest stays held, and the caller waits for {@code OUT} and flushes
     *       again.
     *   <li>{@code shutdown(WRITE)} (or {@code BOTH}) pushes the held bytes first, in the
     *       channel's mode (so in blocking mode, unlike a plain channel's, it can wait for the
     *       peer to read), drops what a non-blocking push leaves, then shuts {@code inner}; later
     *       writes go straight to {@code inner} and fail as its writes after shutdown do.
     *       {@code shutdown(READ)} goes straight through.
     *   <li>{@code close()} pushes the held bytes without waiting, then closes {@code inner},
     *       always: it never hangs on a peer that stopped reading. What {@code inner} has no room
     *       for at that moment is dropped, with a {@code System.Logger} warning (logger
     *       {@code dev.qio.channel.adapters.BufferedChannels}) naming the channel and the count,
     *       so a writer that must lose nothing calls {@code flush()} (until it returns 0) first.
     *       If the push fails (the peer is gone), {@code inner} is closed all the same, the held
     *       bytes are lost, and {@code close} throws that failure.
     *   <li>If another thread is inside a write when shutdown or close runs (blocked in
     *       {@code inner}), they do not wait for it: what that write holds is lost, and the write
     *       fails as a plain channel's does when shut or closed under it.
     * </ul>
     *
     * <h2>Reads, modes, readiness</h2>
     * Reads, {@code readv} with its flags, blocking mode and the delay and cork hints go straight
     * to {@code inner}; the layer has {@code inner}'s {@code SHUTDOWN}, {@code CONCURRENT_IO} and
     * {@code READ_MSG_PEEK}. Watches and {@code await} see {@code inner}'s conditions, with one
     * change: {@code OUT} also holds while nothing is held. Once bytes are held, {@code OUT} is
     * {@code inner}'s: it means a flush (or a write too large for the room left) can make
     * progress. A write that fits is accepted without waiting whatever {@code OUT} says.
     *
     * @param inner a channel in either mode; the layer starts in blocking mode, as a new channel
     * @param capacity the buffer's size in bytes, at least 1; about 64 KiB batches as a socket's
     *     send buffer does
     * @return the buffered channel, named {@code buffered+} and {@code inner}'s name
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     * @throws IllegalStateException if {@code inner} cannot be put in blocking mode
     */
    public static IoChannel buffered(IoChannel inner, int capacity) {
        Objects.requireNonNull(inner, "inner");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 byte: " + capacity);
        }
        return new BufferedChannel(inner, capacity);
    }
}
