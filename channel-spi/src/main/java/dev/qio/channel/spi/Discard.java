package dev.qio.channel.spi;

import static dev.qio.channel.IoChannel.EOF;
import static dev.qio.channel.IoChannel.ERR_BLOCK;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Input a closing layer reads and drops so that its inner channel can end without a reset
 * ({@link InnerInput#dropUnread} once, {@link LingeringClose} turn by turn): at most
 * {@link #MAX_BYTES} over the object's life, so a peer that keeps sending cannot hold a close up.
 * Never waits: the inner channel must be non-blocking. One thread at a time.
 */
final class Discard {
    /** How much one close reads and drops at most. */
    static final long MAX_BYTES = 256 << 10;

    private final ByteBuffer[] scratch = {ByteBuffer.allocate(4 << 10)};
    private long dropped;

    /**
     * Reads and drops until {@code inner} blocks, ends or fails (a failure is swallowed: a channel
     * already failing has nothing left to drain), or the budget is spent.
     *
     * @return the bytes dropped before an {@link IoChannel#ERR_BLOCK} that came with budget left,
     *     0 or more (more may come); -1 when there is nothing more to do
     */
    long untilBlock(IoChannel inner) {
        long before = dropped;
        try {
            while (dropped < MAX_BYTES) {
                long n = inner.readv(scratch);
                if (n == ERR_BLOCK) {
                    return dropped - before;
                }
                if (n == EOF) {
                    break;
                }
                dropped += n;
                scratch[0].clear();
            }
        } catch (IOException | RuntimeException e) {
            // the peer reset or went away: nothing left to drain
        }
        return -1;
    }
}
