package dev.qio.channel;

/**
 * A readiness condition a watch or {@link IoChannel#await} waits for (GLib's {@code GIOCondition}).
 *
 * <p>Readiness is a hint, as with {@code poll(2)}: a channel that reports {@link #IN} may still
 * return {@link IoChannel#ERR_BLOCK} if another thread read first, and {@code IN} also holds at end
 * of stream, so that the reader runs and sees {@link IoChannel#EOF}.
 */
public enum IoCondition {
    /** A read would not block: data, end of stream or an error is waiting. */
    IN,
    /** A write would not block: there is room, or the write would fail at once. */
    OUT,
    /** Urgent data is waiting (sockets with out-of-band data). */
    PRI,
    /** An error is pending; the next operation reports it. */
    ERR,
    /** The peer hung up; reads drain what is left and then return EOF. */
    HUP,
    /** The channel is closed; watches on it end. */
    NVAL
}
