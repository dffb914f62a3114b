package dev.qio.channel;

/**
 * An optional capability of one channel instance (QEMU's {@code QIOChannelFeature}).
 *
 * <p>Features belong to an instance, not to a provider: a unix socket has {@link #FD_PASS}, a tcp
 * socket from the same provider does not. An operation that needs a feature the channel does not
 * advertise fails with {@link UnsupportedFeatureException} before anything is read or written.
 */
public enum Feature {
    /** Reads and writes may carry {@link NativeFd}s along with bytes. */
    FD_PASS,
    /** {@link IoChannel#shutdown(Shutdown)} half-closes the channel. */
    SHUTDOWN,
    /** The object accepts connections ({@link IoListener}); never set on a connected channel. */
    LISTEN,
    /** Writes accept {@link WriteFlag#ZERO_COPY}; {@link IoChannel#flush()} reports the outcome. */
    WRITE_ZERO_COPY,
    /** Reads accept {@link ReadFlag#MSG_PEEK}. */
    READ_MSG_PEEK,
    /** The channel has a position: {@code seek}, {@code preadv} and {@code pwritev} work. */
    SEEKABLE,
    /** One read and one write may run at the same time on two threads. */
    CONCURRENT_IO
}
