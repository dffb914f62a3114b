package dev.qio.channel.spi;

import dev.qio.channel.Whence;

/** The arithmetic of {@code seek} for a provider that keeps a position: one place for its checks and message. */
public final class Seek {
    private Seek() {}

    /**
     * The position {@code offset} bytes from {@code base}, where {@code base} is what
     * {@code whence} names (0, the current position, or the size).
     *
     * @param channel the channel's name, for the message
     * @throws IllegalArgumentException naming the channel, the offset, the origin and its value
     *     when the result overflows or is negative
     */
    public static long target(String channel, long offset, Whence whence, long base) {
        long target;
        try {
            target = Math.addExact(base, offset);
        } catch (ArithmeticException e) {
            throw bad(channel, offset, whence, base, "overflows");
        }
        if (target < 0) {
            throw bad(channel, offset, whence, base, "gives " + target);
        }
        return target;
    }

    private static IllegalArgumentException bad(String channel, long offset, Whence whence, long base, String result) {
        return new IllegalArgumentException(channel + ": seek by " + offset + " from " + whence + " (" + base + ") "
                + result + "; the position must be between 0 and " + Long.MAX_VALUE);
    }
}
