package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One epoll instance and the platform thread that waits on it. There are two for the process,
 * one per direction ({@link #IN}, {@link #OUT}), as the JDK's own poller has: each descriptor is
 * registered one-shot per direction, so a reader's and a writer's interest never overwrite each
 * other in one registration.
 *
 * <p>The thread only dispatches: waiting threads arm their descriptor themselves
 * ({@link PolledFd#arm}, an {@code epoll_ctl} on the waiting thread), so a wait costs the poller
 * no wake-up and no queue. An event carries the descriptor number; {@link #table} maps it to its
 * {@link PolledFd}. A late event for a number that was closed and reused reaches the new owner as
 * a spurious wake-up, which every waiter tolerates; a {@code PolledFd} removes its registrations
 * before it closes its descriptor, so no registration outlives it.
 */
final class Epoll implements Runnable {
    static final Epoll IN = new Epoll("qio-epoll-in", Sys.EPOLLIN, 0);
    static final Epoll OUT = new Epoll("qio-epoll-out", Sys.EPOLLOUT, 1);
    /**
     * The error queue: armed with no event, since {@code EPOLLERR} is always reported. Started on
     * first use (a zero-copy flush), so processes that never flush have no third thread.
     */
    static final class Err {
        static final Epoll POLLER = new Epoll("qio-epoll-err", 0, 2);
    }

    private static final int MAX_EVENTS = 256;
    /** Descriptor number to its owner, shared by both pollers; grown under {@code Epoll.class}. */
    private static volatile PolledFd[] table = new PolledFd[1024];

    final int epfd;
    /** EPOLLIN or EPOLLOUT. */
    final int events;
    /** 0 for IN, 1 for OUT: the direction index {@link PolledFd} uses. */
    final int direction;

    private Epoll(String name, int events, int direction) {
        this.events = events;
        this.direction = direction;
        MemorySegment err = Sys.errnoSlot();
        try {
            epfd = (int) Sys.EPOLL_CREATE1.invokeExact(err, Sys.EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (epfd < 0) {
            throw new IllegalStateException("epoll_create1: " + Sys.strerror(Sys.errno(err)));
        }
        Thread.ofPlatform().name(name).daemon(true).start(this);
    }

    /** Records {@code fd}'s owner so that events for it reach it. */
    static void register(int fd, PolledFd owner) {
        PolledFd[] t = table;
        if (fd >= t.length) {
            synchronized (Epoll.class) {
                t = table;
                if (fd >= t.length) {
                    t = java.util.Arrays.copyOf(t, Math.max(fd + 1, t.length * 2));
                    table = t;
                }
            }
        }
        t[fd] = owner; // a plain store: the arm that follows (a system call) publishes it to the poller
    }

    /** Forgets {@code fd}'s owner, if it is still {@code owner}. */
    static void unregister(int fd, PolledFd owner) {
        PolledFd[] t = table;
        if (fd < t.length && t[fd] == owner) {
            t[fd] = null;
        }
    }

    @Override
    public void run() {
        MemorySegment events = Arena.global().allocate((long) MAX_EVENTS * Sys.EPOLL_EVENT_SIZE, 8);
        MemorySegment err = Arena.global().allocate(JAVA_INT);
        while (true) {
            int n;
            try {
                n = (int) Sys.EPOLL_WAIT.invokeExact(err, epfd, events, MAX_EVENTS, -1);
            } catch (Throwable t) {
                throw Sys.rethrow(t);
            }
            if (n < 0) {
                if (Sys.errno(err) == Sys.EINTR) {
                    continue;
                }
                throw new IllegalStateException("epoll_wait: " + Sys.strerror(Sys.errno(err)));
            }
            PolledFd[] t = table;
            for (int i = 0; i < n; i++) {
                long at = (long) i * Sys.EPOLL_EVENT_SIZE;
                int fd = (int) events.get(JAVA_LONG_UNALIGNED, at + Sys.EPOLL_DATA_OFFSET);
                int ready = events.get(JAVA_INT_UNALIGNED, at);
                PolledFd owner = fd >= 0 && fd < t.length ? t[fd] : null;
                if (owner != null) {
                    owner.fired(direction, ready);
                }
            }
        }
    }
}
