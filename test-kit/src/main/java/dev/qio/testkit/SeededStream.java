package dev.qio.testkit;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * An endless stream of pseudo-random bytes fixed by a seed, made block by block as it is walked,
 * so a writer can send, and a reader check, a stream far larger than either keeps in memory. Each
 * 64 KiB block comes from its own generator, so any offset is cheap to reach; a walk in order
 * makes each block once. Not thread-safe: the writer and the reader each walk their own.
 */
final class SeededStream {
    private static final int BLOCK = 64 << 10;

    private final long seed;
    private final byte[] block = new byte[BLOCK];
    private long cached = -1;

    SeededStream(long seed) {
        this.seed = seed;
    }

    /** Puts the stream's bytes from {@code offset} into {@code dst}, from 0 to its limit; its position stays. */
    void fill(ByteBuffer dst, long offset) {
        int done = 0;
        while (done < dst.limit()) {
            int at = load(offset + done);
            int n = Math.min(BLOCK - at, dst.limit() - done);
            dst.put(done, block, at, n);
            done += n;
        }
    }

    /** The stream's {@code n} bytes from {@code offset}, in a new heap buffer at position 0. */
    ByteBuffer bytes(long offset, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        fill(b, offset);
        return b;
    }

    /**
     * Compares {@code got}, from 0 to its position, with the stream's bytes from {@code offset}.
     *
     * @return the offset in the stream of the first byte that differs, or -1 if none does
     */
    long mismatch(ByteBuffer got, long offset) {
        int done = 0;
        while (done < got.position()) {
            int at = load(offset + done);
            int n = Math.min(BLOCK - at, got.position() - done);
            int i = ByteBuffer.wrap(block, at, n).mismatch(got.slice(done, n));
            if (i >= 0) {
                return offset + done + i;
            }
            done += n;
        }
        return -1;
    }

    /** The stream's byte at {@code offset}. */
    byte at(long offset) {
        return block[load(offset)];
    }

    /** Makes the block holding {@code offset} current; returns the offset's index in it. */
    private int load(long offset) {
        long index = offset / BLOCK;
        if (index != cached) {
            new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextBytes(block);
            cached = index;
        }
        return (int) (offset % BLOCK);
    }
}
