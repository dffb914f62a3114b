package dev.qio.channel;

/** A modifier of one write (QEMU's {@code QIO_CHANNEL_WRITE_FLAG_*}); pass {@code Set.of()} for none. */
public enum WriteFlag {
    /**
     * Send from the caller's buffers without copying them. Needs {@link Feature#WRITE_ZERO_COPY}
     * and cannot carry file descriptors. The buffers must not change until {@link IoChannel#flush()}
     * returns.
     */
    ZERO_COPY
}
