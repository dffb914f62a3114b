package dev.qio.channel;

/** The origin of a {@link IoChannel#seek(long, Whence)} offset, as {@code lseek(2)}'s {@code whence}. */
public enum Whence {
    /** From the start: the offset is the new position. */
    SET,
    /** From the current position. */
    CUR,
    /** From the end of the data. */
    END
}
