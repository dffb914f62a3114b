package dev.qio.channel.spi;

import dev.qio.channel.NativeFd;
import java.util.concurrent.atomic.AtomicInteger;

/** A pretend descriptor that only records how often it was closed; no OS resource behind it. */
final class TestFd implements NativeFd {
    private final int value;
    private final AtomicInteger closes = new AtomicInteger();

    TestFd(int value) {
        this.value = value;
    }

    @Override
    public int value() {
        if (!isOpen()) {
            throw new IllegalStateException("descriptor is closed");
        }
        return value;
    }

    @Override
    public boolean isOpen() {
        return closes.get() == 0;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    /** How many times {@link #close()} was called. */
    int closeCount() {
        return closes.get();
    }

    @Override
    public String toString() {
        return "TestFd[" + value + (isOpen() ? "" : ", closed") + "]";
    }
}
