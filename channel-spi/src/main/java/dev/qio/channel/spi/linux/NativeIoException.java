package dev.qio.channel.spi.linux;

import java.io.IOException;

/** A failed system call of the native backend, with its errno for callers that handle one case (ENOBUFS). */
public final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    NativeIoException(int errno) {
        super(Sys.strerror(errno));
        this.errno = errno;
    }

    /** The {@code errno} of the call. */
    public int errno() {
        return errno;
    }
}
