package dev.qio.cli.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/** The one copy loop of the command: 64 KiB at a time, from one endpoint to another, until end of stream. */
public final class Copy {
    private Copy() {}

    /** Size of the copy buffer. */
    public static final int BUFFER_SIZE = 64 << 10;

    /**
     * Copies until {@code from} reaches end of stream. Neither endpoint is closed or ended.
     *
     * @param moved told the running total after every write
     * @return the number of bytes copied
     * @throws IOException from either side; the message names that side
     */
    public static long copy(Endpoint from, Endpoint to, LongConsumer moved) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        long total = 0;
        while (true) {
            buffer.clear();
            int n = from.read(buffer);
            if (n < 0) {
                return total;
            }
            buffer.flip();
            to.writeAll(buffer);
            total += n;
            moved.accept(total);
        }
    }
}
