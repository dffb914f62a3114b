package dev.qio.benchmarks;

import java.nio.ByteBuffer;

/** Buffers the benchmarks move bytes through. */
final class Buffers {
    private static final int PAGE = 4096;

    private Buffers() {}

    /**
     * A direct buffer of {@code size} bytes that starts on a page boundary, so that a qio benchmark
     * and its baseline hand the kernel identically aligned memory in every fork: the alignment of
     * {@code allocateDirect} depends on the allocator, and copies to and from user memory can run
     * at different speeds for different alignments.
     */
    static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size + PAGE)
                .alignedSlice(PAGE)
                .limit(size)
                .slice();
    }
}
