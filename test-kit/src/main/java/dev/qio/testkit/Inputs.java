package dev.qio.testkit;

import dev.qio.testkit.property.Gen;
import java.util.List;
import java.util.SplittableRandom;

/** The kit's generators. Small choices give simple inputs (short transfers, one buffer, heap). */
final class Inputs {
    private Inputs() {}

    /** One transfer: its size, its bytes (from a seed), how each side cuts it, and which API each side uses. */
    record Transfer(int size, long dataSeed, Layout write, Layout read, boolean rawWrite, boolean rawRead) {
        byte[] data() {
            return payload(size, dataSeed);
        }
    }

    static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Transfer sizes from 0 bytes to {@code max}, mostly small, sometimes MiBs. */
    static Gen<Integer> sizes(int max) {
        return Gen.<Integer>frequency()
                .add(1, Gen.constant(0))
                .add(6, Gen.sizes(Math.min(max, 64 << 10)))
                .add(2, Gen.ints(1, Math.min(max, 1 << 20)))
                .add(1, Gen.ints(1, max));
    }

    static Gen<Layout> layouts() {
        Gen<Integer> piece = Gen.<Integer>frequency()
                .add(5, Gen.sizes(8192))
                .add(1, Gen.constant(0))
                .add(1, Gen.ints(8192, 70_000));
        Gen<Integer> perCall = Gen.<Integer>frequency()
                .add(1, Gen.constant(1))
                .add(3, Gen.ints(1, 16))
                .add(1, Gen.ints(16, 300));
        Gen<List<Integer>> pieces = Gen.listOf(piece, 1, 6);
        Gen<BufferKind> kind = Gen.elements(BufferKind.values());
        return c -> new Layout(pieces.next(c), perCall.next(c), kind.next(c));
    }

    static Gen<Transfer> transfers(int maxSize) {
        Gen<Integer> size = sizes(maxSize);
        Gen<Long> seed = Gen.longs(0, Long.MAX_VALUE);
        Gen<Layout> layout = layouts();
        Gen<Boolean> raw = Gen.booleans();
        return c -> new Transfer(size.next(c), seed.next(c), layout.next(c), layout.next(c), raw.next(c), raw.next(c));
    }

    /** QEMU's test transfer: 250 buffers of 4194 bytes on both sides, through the {@code *All} calls. */
    static Transfer qemuTransfer() {
        return new Transfer(250 * 4194, 42, Layout.qemu(BufferKind.HEAP), Layout.qemu(BufferKind.DIRECT), false, false);
    }
}
