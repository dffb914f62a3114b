package dev.qio.channel.spi.linux;

import dev.qio.channel.NativeFd;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A descriptor number this process already has (inherited, say), taken as an owned
 * {@link NativeFd}: closing it closes the number, once. For handing an inherited descriptor to
 * {@code IoChannels.open(NativeFd)} or to a write that passes descriptors.
 */
public final class OwnedFd implements NativeFd {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OwnedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of {@code fd}; nothing is checked until it is used.
     *
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IllegalStateException if the native backend is not available (closing needs it)
     */
    public static OwnedFd of(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a descriptor: " + fd);
        }
        if (!Linux.isAvailable()) {
            throw new IllegalStateException("the native backend is not available: "
                    + Linux.unavailableReason().orElseThrow());
        }
        return new OwnedFd(fd);
    }

    @Override
    public int value() {
        if (closed.get()) {
            throw new IllegalStateException("descriptor " + fd + " has been closed");
        }
        return fd;
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            int e = Sys.close(fd);
            if (e != 0) {
                throw new IOException("close(" + fd + "): " + Sys.strerror(e));
            }
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (isOpen() ? "" : " (closed)");
    }
}
