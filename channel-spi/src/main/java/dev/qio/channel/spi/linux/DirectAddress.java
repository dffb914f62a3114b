package dev.qio.channel.spi.linux;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The native address of a direct buffer's position, for a call linked with a raw address: the
 * last buffer's base is kept, so a caller that passes the same buffer call after call makes no
 * {@link MemorySegment} per call. One thread at a time (a direction of a descriptor).
 */
class DirectAddress {
    /** Kept strongly, so its memory cannot be freed while its base is remembered. */
    private ByteBuffer lastDirect;

    private long lastBase;

    /** The address of {@code direct}'s position. */
    final long address(ByteBuffer direct) {
        if (direct != lastDirect) {
            lastBase = MemorySegment.ofBuffer(direct).address() - direct.position();
            lastDirect = direct;
        }
        return lastBase + direct.position();
    }
}
