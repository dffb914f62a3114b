package dev.qio.channel;

import java.util.Set;

/** What a watch runs when its conditions hold (QEMU's {@code QIOChannelFunc}). */
@FunctionalInterface
public interface WatchCallback {
    /**
     * Runs on the watch's {@link EventLoop} thread.
     *
     * @param channel the watched channel
     * @param ready the watched conditions that hold now (never empty)
     * @return {@code true} to keep the watch, {@code false} to remove it. Watches are level
     *     triggered: a kept watch runs again while its conditions still hold.
     */
    boolean onReady(IoChannel channel, Set<IoCondition> ready);
}
