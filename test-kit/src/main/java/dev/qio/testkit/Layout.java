package dev.qio.testkit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How a transfer is cut into iovs: buffer lengths taken cyclically from {@code pieces} (zeros give
 * empty buffers), {@code perCall} buffers per readv or writev call, all of one {@link BufferKind}.
 * A short cyclic pattern describes a multi-MiB transfer in a few numbers, which keeps generated
 * inputs small and shrinkable.
 */
record Layout(List<Integer> pieces, int perCall, BufferKind kind) {
    Layout {
        pieces = List.copyOf(pieces);
        if (pieces.isEmpty() || perCall < 1) {
            throw new IllegalArgumentException("layout needs pieces and at least one buffer per call");
        }
    }

    /** QEMU's own test: 250 buffers of 4194 bytes in one call. */
    static Layout qemu(BufferKind kind) {
        return new Layout(List.of(4194), 250, kind);
    }

    /**
     * Cuts {@code total} bytes into calls, each an iov. Buffers for writes are filled from
     * {@code data} starting at its {@code offset}; buffers for reads are empty.
     */
    List<ByteBuffer[]> calls(long total, byte[] data, boolean forWrite) {
        List<ByteBuffer[]> calls = new ArrayList<>();
        Cursor cursor = cursor();
        long done = 0;
        while (done < total) {
            int[] lengths = cursor.next(total - done);
            ByteBuffer[] iov = new ByteBuffer[lengths.length];
            for (int j = 0; j < lengths.length; j++) {
                iov[j] = kind.allocate(lengths[j]);
                if (forWrite) {
                    iov[j].put(iov[j].position(), data, (int) done, lengths[j]);
                }
                done += lengths[j];
            }
            calls.add(iov);
        }
        return calls;
    }

    /** Walks this layout call by call, for transfers too long to cut up front. */
    Cursor cursor() {
        return new Cursor();
    }

    /** The buffer lengths of one call after another, continuing the cycle of pieces. */
    final class Cursor {
        private final boolean anyPositive = pieces.stream().anyMatch(p -> p > 0);
        private int next;

        /** The lengths of the next call's buffers, which hold at most {@code left} bytes (at least one when left > 0). */
        int[] next(long left) {
            int[] lengths = new int[perCall];
            int n = 0;
            long done = 0;
            while (n < perCall && done < left) {
                int piece = anyPositive ? pieces.get(next) : 1;
                next = (next + 1) % pieces.size();
                lengths[n++] = (int) Math.min(piece, left - done);
                done += lengths[n - 1];
            }
            return java.util.Arrays.copyOf(lengths, n);
        }
    }

    @Override
    public String toString() {
        return "Layout" + pieces + "x" + perCall + "/" + kind;
    }
}
