package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;

/**
 * A layer's reads of its inner channel that no caller asked for: the read-ahead a readiness poll
 * makes to tell payload from bytes that carry none, and the drop of unread input at close.
 *
 * <p>Both meet the same question when the inner channel returns {@link IoChannel#ERR_BLOCK}: is
 * nothing there, or did a layer below block spuriously while bytes wait ({@code fault+} does, and
 * so may a third party's)? The inner channel's readiness, polled, answers it, and polling is also
 * what lets such a layer's next read through. A readiness may over-report IN, so the retries are
 * bounded: after {@link #SPURIOUS_LIMIT} blocks in a row the answer is "cannot tell", and a
 * read-ahead then reports IN rather than miss it.
 */
public final class InnerInput {
    /** How many ERR_BLOCKs in a row a read of the inner channel retries while its readiness says IN. */
    public static final int SPURIOUS_LIMIT = 16;

    private InnerInput() {}

    /** What an ERR_BLOCK from the inner channel means; see {@link #afterBlock}. */
    public enum Block {
        /** The inner readiness does not say IN: nothing is there. */
        EMPTY,
        /** The inner readiness says IN: read again. */
        SPURIOUS,
        /** Still blocking after {@link #SPURIOUS_LIMIT} tries while the readiness says IN: cannot tell. */
        UNKNOWN
    }

    /**
     * Classifies the {@code blocksInARow}-th ERR_BLOCK in a row (counting from 1) of a read of the
     * inner channel whose readiness is {@code innerReadiness}, polling it once.
     */
    public static Block afterBlock(Readiness innerReadiness, int blocksInARow) {
        if (!innerReadiness.poll().contains(IoCondition.IN)) {
            return Block.EMPTY;
        }
        return blocksInARow >= SPURIOUS_LIMIT ? Block.UNKNOWN : Block.SPURIOUS;
    }

    /**
     * Reads and drops what the peer sent that nobody will read, before the inner channel closes or
     * its read side shuts: a TCP socket closed with unread input sends a reset instead of a FIN,
     * and the reset can destroy what is still on its way to the peer (a layer's closing message).
     * Never waits: the inner channel must be in non-blocking mode. Stops at the end of the stream,
     * at an ERR_BLOCK that {@link #afterBlock} calls anything but {@link Block#SPURIOUS}, after
     * {@link LingeringClose#MAX_BYTES} (a peer that keeps sending cannot hold a close up), or at a
     * failure, which it swallows: a channel already failing has nothing to drain. Allocates its
     * scratch buffer per call; it runs once per close.
     */
    public static void dropUnread(IoChannel inner, Readiness innerReadiness) {
        Discard discard = new Discard();
        int blocks = 0;
        for (long n; (n = discard.untilBlock(inner)) >= 0; ) {
            blocks = n > 0 ? 1 : blocks + 1;
            if (afterBlock(innerReadiness, blocks) != Block.SPURIOUS) {
                return;
            }
        }
    }
}
