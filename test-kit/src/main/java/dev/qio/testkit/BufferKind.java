package dev.qio.testkit;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

/**
 * The kinds of buffer the kit puts in iovs, because providers take different paths for them
 * (array copies, native addresses, slices with an array offset).
 */
public enum BufferKind {
    /** {@code ByteBuffer.allocate}. */
    HEAP,
    /** A slice of a larger heap array, so its {@code arrayOffset} is not 0. */
    HEAP_SLICE,
    /** {@code ByteBuffer.allocateDirect}. */
    DIRECT,
    /** A view of a {@code MemorySegment} from an automatic arena. */
    SEGMENT;

    /** A new empty buffer of {@code capacity} bytes, position 0, limit capacity. */
    public ByteBuffer allocate(int capacity) {
        return switch (this) {
            case HEAP -> ByteBuffer.allocate(capacity);
            case HEAP_SLICE ->
                ByteBuffer.allocate(capacity + 13)
                        .position(7)
                        .limit(7 + capacity)
                        .slice();
            case DIRECT -> ByteBuffer.allocateDirect(capacity);
            case SEGMENT ->
                Arena.ofAuto().allocate(Math.max(capacity, 1)).asByteBuffer().limit(capacity);
        };
    }
}
