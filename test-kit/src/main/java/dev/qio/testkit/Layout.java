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
        boolean anyPositive = pieces.stream().anyMatch(p -> p > 0);
        List<ByteBuffer[]> calls = new ArrayList<>();
        List<ByteBuffer> current = new ArrayList<>();
        long done = 0;
        int i = 0;
        while (done < total) {
            int piece = anyPositive ? pieces.get(i++ % pieces.size()) : 1;
            int len = (int) Math.min(piece, total - done);
            ByteBuffer b = kind.allocate(len);
            if (forWrite) {
                b.put(b.position(), data, (int) done, len);
            }
            current.add(b);
            done += len;
            if (current.size() == perCall || done == total) {
                calls.add(current.toArray(ByteBuffer[]::new));
                current.clear();
            }
        }
        return calls;
    }

    @Override
    public String toString() {
        return "Layout" + pieces + "x" + perCall + "/" + kind;
    }
}
