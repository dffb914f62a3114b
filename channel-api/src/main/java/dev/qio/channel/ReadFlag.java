package dev.qio.channel;

/** A modifier of one read (QEMU's {@code QIO_CHANNEL_READ_FLAG_*}); pass {@code Set.of()} for none. */
public enum ReadFlag {
    /**
     * Return the data without consuming it: the bytes land in the buffers as for any read
     * (positions advance by the count returned), and the next read sees them again. Needs
     * {@link Feature#READ_MSG_PEEK}. Refused by the {@code *All} reads, which would loop on the same
     * bytes.
     */
    MSG_PEEK,
    /**
     * Accept an end of stream that a secure layer would otherwise report as truncation (a TLS peer
     * that closed without close_notify). Channels without such a distinction ignore it.
     */
    RELAXED_EOF,
    /**
     * Leave received file descriptors in the blocking mode they had when sent, instead of putting
     * them into blocking mode.
     */
    FD_PRESERVE_BLOCKING
}
