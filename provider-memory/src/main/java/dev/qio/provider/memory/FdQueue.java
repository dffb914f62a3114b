package dev.qio.provider.memory;

import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The descriptors waiting in one {@link MemPipe}, each batch tied to the stream offset of the byte
 * it travels with (the first byte of the write that sent it).
 *
 * <p>Not thread-safe: the owning pipe's lock guards every call. The queue holds the only reference
 * to its descriptors, so it owns them until {@link #takeAt} hands a batch to a reader or
 * {@link #drain()} hands everything to whoever closes it.
 */
final class FdQueue {
    /** Descriptors that travel with the byte at {@code offset}. */
    private record Batch(long offset, List<NativeFd> fds) {}

    /** Batches in stream order; empty in the common case, so the pipe's hot path only asks isEmpty. */
    private final ArrayDeque<Batch> batches = new ArrayDeque<>(2);

    boolean isEmpty() {
        return batches.isEmpty();
    }

    /**
     * Queues duplicates of {@code sent} for the byte at {@code offset}. Duplicating now gives
     * {@code SCM_RIGHTS} ownership: the sender may close its descriptors once its write returns,
     * and the receiver gets new numbers for the same open files.
     *
     * @throws IOException if a {@code dup} fails; the duplicates made so far are closed first, so
     *     the failed write leaves nothing behind
     */
    void add(long offset, List<NativeFd> sent) throws IOException {
        List<NativeFd> dups = new ArrayList<>(sent.size());
        try {
            for (int i = 0; i < sent.size(); i++) {
                dups.add(NativeFds.dup(sent.get(i)));
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(dups);
            throw e;
        }
        batches.addLast(new Batch(offset, dups));
    }

    /**
     * Removes and returns the batch that travels with the byte at {@code readOffset}, or
     * {@code null} if that byte carries none. Call only when that byte is about to be read.
     */
    List<NativeFd> takeAt(long readOffset) {
        Batch first = batches.peekFirst();
        if (first == null || first.offset() != readOffset) {
            return null;
        }
        batches.pollFirst();
        return first.fds();
    }

    /**
     * How many of the {@code available} bytes from {@code readOffset} one read may take: it stops
     * just before the next byte that carries descriptors, so each batch arrives with its own bytes.
     * Call after {@link #takeAt}, which removes the batch at {@code readOffset} itself.
     */
    int readLimit(long readOffset, int available) {
        Batch next = batches.peekFirst();
        return next == null ? available : (int) Math.min(available, next.offset() - readOffset);
    }

    /** Removes every queued descriptor and returns them, for the caller to close. */
    List<NativeFd> drain() {
        List<NativeFd> all = new ArrayList<>();
        for (Batch b : batches) {
            all.addAll(b.fds());
        }
        batches.clear();
        return all;
    }

    /**
     * Closes descriptors that nobody will receive. A failure is dropped: the descriptors were the
     * pipe's own, and no caller is waiting to hear about them.
     */
    static void closeQuietly(List<NativeFd> fds) {
        for (int i = 0; i < fds.size(); i++) {
            try {
                fds.get(i).close();
            } catch (IOException | RuntimeException ignored) {
                // See the method comment: nobody to report to.
            }
        }
    }
}
