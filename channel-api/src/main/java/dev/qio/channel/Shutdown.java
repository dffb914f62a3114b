package dev.qio.channel;

/** Which direction {@link IoChannel#shutdown(Shutdown)} closes (QEMU's {@code QIOChannelShutdown}). */
public enum Shutdown {
    /** Stop reading: later reads return EOF, and a blocked reader wakes with EOF. */
    READ,
    /** Stop writing: the peer reads EOF once it has drained what was sent; later writes fail. */
    WRITE,
    /** Both directions. */
    BOTH;

    /** Whether this value closes the read direction. */
    public boolean reads() {
        return this != WRITE;
    }

    /** Whether this value closes the write direction. */
    public boolean writes() {
        return this != READ;
    }
}
