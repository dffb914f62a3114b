package dev.qio.channel.spi.linux;

import dev.qio.channel.NativeFd;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A descriptor this process received over a unix socket ({@code SCM_RIGHTS}), owned by whoever
 * holds this object: {@link #close()} closes it with {@code close(2)} exactly once, whatever
 * threads call it and however often; a {@link Cleaner} closes it if the object is dropped
 * unclosed. After close {@link #value()} throws, so a number the kernel has handed to another
 * file is never used through this object.
 */
public final class LinuxFd implements NativeFd {
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("qio-fd-cleaner").daemon(true).factory());

    /** The number, or -1 once closed; shared with the cleaning action, which holds no reference to this object. */
    private final AtomicInteger fd;
    private final Cleaner.Cleanable cleanable;

    /** Takes ownership of {@code fd}, an open descriptor of this process. */
    LinuxFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a descriptor: " + fd);
        }
        AtomicInteger holder = new AtomicInteger(fd);
        this.fd = holder;
        this.cleanable = CLEANER.register(this, () -> closeOnce(holder));
    }

    @Override
    public int value() {
        int n = fd.get();
        if (n < 0) {
            throw new IllegalStateException("descriptor is closed");
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return fd.get() >= 0;
    }

    /**
     * Closes the descriptor the first time; later calls do nothing.
     *
     * @throws IOException if {@code close(2)} reports an error (the descriptor is released anyway)
     */
    @Override
    public void close() throws IOException {
        int n = fd.getAndSet(-1);
        if (n >= 0) {
            cleanable.clean(); // the holder is -1 already: the cleaning action closes nothing
            int e = Sys.close(n);
            if (e != 0) {
                throw new IOException("cannot close descriptor " + n + ": " + Sys.strerror(e));
            }
        }
    }

    private static void closeOnce(AtomicInteger holder) {
        int n = holder.getAndSet(-1);
        if (n >= 0) {
            Sys.close(n); // a dropped descriptor: nobody is left to report a failed close to
        }
    }

    @Override
    public String toString() {
        int n = fd.get();
        return n >= 0 ? "fd " + n : "fd (closed)";
    }
}
