package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One epoll instance and the thread that dispatches its events. There are two for the process,
 * one per direction ({@link #IN}, {@link #OUT}), as the JDK's own poller has: each descriptor is
 * registered one-shot per direction, so a reader's and a writer's interest never overwrite each
 * other in one registration.
 *
 * <p>The dispatcher only dispatches: waiting threads arm their descriptor themselves
 * ({@link PolledFd#arm}, an {@code epoll_ctl} on the waiting thread), so a wait costs the
 * dispatcher no wake-up and no queue. An event carries the descriptor number; {@link #table} maps
 * it to its {@link PolledFd}. A late event for a number that was closed and reused reaches the new
 * owner as a spurious wake-up, which every waiter tolerates; a {@code PolledFd} removes its
 * registrations before it closes its descriptor, so no registration outlives it.
 *
 * <h2>Where the dispatcher runs</h2>
 * By default ({@code -Dqio.native.poller=virtual}) each dispatcher is a virtual thread, as the
 * JDK's own sub-pollers are on Linux: it polls with a zero timeout, unparks the waiters of what
 * it found, yields, and polls again; when a poll finds nothing it registers its epoll descriptor
 * one-shot with the {@link Master} (one platform thread blocked in {@code epoll_wait}) and
 * parks. A waiter woken that way is queued on the carrier that runs the dispatcher, so while
 * events keep coming (a ping-pong, a busy server) no wake-up crosses threads at all; with a
 * platform dispatcher every wake-up of an idle carrier costs a futex. The price: the dispatcher
 * needs a carrier, so while every carrier is busy with virtual threads that do not yield, events
 * wait for one, which is what the JDK's own sockets do too (and what the waiting virtual threads
 * would need anyway). {@code -Dqio.native.poller=platform} runs each dispatcher on its own
 * platform thread blocked in {@code epoll_wait} instead.
 */
final class Epoll implements Runnable {
    private static final boolean VIRTUAL = Linux.virtualPoller();

    static final Epoll IN = new Epoll("qio-epoll-in", Sys.EPOLLIN, 0);
    static final Epoll OUT = new Epoll("qio-epoll-out", Sys.EPOLLOUT, 1);
    /**
     * The error queue: armed with no event, since {@code EPOLLERR} is always reported. Started on
     * first use (a zero-copy flush), so processes that never flush have no third dispatcher.
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
    /** The dispatcher thread, virtual or platform. */
    private final Thread dispatcher;
    /**
     * Virtual mode: the {@code struct epoll_event} (bytes 0-15) and errno (16-19) with which the
     * dispatcher registers {@link #epfd} with the {@link Master}; used by the dispatcher only.
     */
    private final MemorySegment masterCtl;
    /** Virtual mode: the errno part of {@link #masterCtl}. */
    private final MemorySegment masterErrno;
    /** Virtual mode: whether {@link #epfd} is in the master's set yet (ADD, then MOD); dispatcher only. */
    private boolean inMaster;

    private Epoll(String name, int events, int direction) {
        this.events = events;
        this.direction = direction;
        this.epfd = create("epoll_create1");
        this.masterCtl = VIRTUAL ? Arena.global().allocate(24, 8) : null;
        this.masterErrno = VIRTUAL ? masterCtl.asSlice(16, 4) : null;
        Thread.Builder builder =
                VIRTUAL ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        dispatcher = builder.name(name).unstarted(this);
        dispatcher.start();
    }

    /** A new epoll descriptor, {@code EPOLL_CLOEXEC}. */
    private static int create(String what) {
        MemorySegment err = Sys.errnoSlot();
        int fd;
        try {
            fd = (int) Sys.EPOLL_CREATE1.invokeExact(err, Sys.EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (fd < 0) {
            throw new IllegalStateException(what + ": " + Sys.strerror(Sys.errno(err)));
        }
        return fd;
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
        MemorySegment list = Arena.global().allocate((long) MAX_EVENTS * Sys.EPOLL_EVENT_SIZE, 8);
        MemorySegment err = Arena.global().allocate(JAVA_INT);
        if (!VIRTUAL) {
            while (true) {
                dispatch(list, epollWait(Sys.EPOLL_WAIT, epfd, list, err, -1));
            }
        }
        int found = 0;
        while (true) {
            if (found == 0) {
                Master.INSTANCE.await(this);
            } else {
                Thread.yield(); // let the threads just woken run on this carrier before polling again
            }
            found = epollWait(Sys.EPOLL_WAIT_NOW, epfd, list, err, 0);
            dispatch(list, found);
        }
    }

    /** Hands each of the {@code n} events in {@code list} to its descriptor's owner. */
    private void dispatch(MemorySegment list, int n) {
        PolledFd[] t = table;
        for (int i = 0; i < n; i++) {
            long at = (long) i * Sys.EPOLL_EVENT_SIZE;
            int fd = (int) list.get(JAVA_LONG_UNALIGNED, at + Sys.EPOLL_DATA_OFFSET);
            int ready = list.get(JAVA_INT_UNALIGNED, at);
            PolledFd owner = fd >= 0 && fd < t.length ? t[fd] : null;
            if (owner != null) {
                owner.fired(direction, ready);
            }
        }
    }

    /** One {@code epoll_wait} through {@code call}; EINTR counts as no event. */
    private static int epollWait(MethodHandle call, int epfd, MemorySegment list, MemorySegment err, int timeout) {
        int n;
        try {
            n = (int) call.invokeExact(err, epfd, list, MAX_EVENTS, timeout);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (n < 0) {
            if (Sys.errno(err) == Sys.EINTR) {
                return 0;
            }
            throw new IllegalStateException("epoll_wait: " + Sys.strerror(Sys.errno(err)));
        }
        return n;
    }

    /**
     * The one platform thread of the virtual mode: it waits in {@code epoll_wait} on an epoll
     * instance that holds the dispatchers' epoll descriptors, each one-shot, and unparks the
     * dispatcher whose descriptor has events. It runs only while every dispatcher has found
     * nothing: the wait of the whole process for its next event.
     */
    private static final class Master implements Runnable {
        static final Master INSTANCE = new Master();

        private final int epfd = create("epoll_create1 (the master poller)");
        /** The dispatcher threads by {@link Epoll#direction}; each set before its first registration. */
        private final AtomicReferenceArray<Thread> dispatchers = new AtomicReferenceArray<>(3);

        private Master() {
            Thread.ofPlatform().name("qio-epoll-master").daemon(true).start(this);
        }

        /** From {@code poller}'s dispatcher: parks it until its epoll descriptor may have events. */
        void await(Epoll poller) {
            int d = poller.direction;
            MemorySegment event = poller.masterCtl;
            int op = Sys.EPOLL_CTL_MOD;
            if (!poller.inMaster) {
                dispatchers.set(d, Thread.currentThread());
                op = Sys.EPOLL_CTL_ADD;
            }
            event.set(JAVA_INT_UNALIGNED, 0, Sys.EPOLLIN | Sys.EPOLLONESHOT);
            event.set(JAVA_LONG_UNALIGNED, Sys.EPOLL_DATA_OFFSET, d);
            int rc;
            try {
                rc = (int) Sys.EPOLL_CTL.invokeExact(poller.masterErrno, epfd, op, poller.epfd, event);
            } catch (Throwable t) {
                throw Sys.rethrow(t);
            }
            if (rc < 0) {
                throw new IllegalStateException(
                        "epoll_ctl (the master poller): " + Sys.strerror(Sys.errno(poller.masterErrno)));
            }
            poller.inMaster = true;
            LockSupport.park(this); // a spurious return only costs the caller a poll that finds nothing
        }

        @Override
        public void run() {
            MemorySegment list = Arena.global().allocate((long) 3 * Sys.EPOLL_EVENT_SIZE, 8);
            MemorySegment err = Arena.global().allocate(JAVA_INT);
            while (true) {
                int n = epollWait(Sys.EPOLL_WAIT, epfd, list, err, -1);
                for (int i = 0; i < n; i++) {
                    int d = (int)
                            list.get(JAVA_LONG_UNALIGNED, (long) i * Sys.EPOLL_EVENT_SIZE + Sys.EPOLL_DATA_OFFSET);
                    LockSupport.unpark(dispatchers.get(d));
                }
            }
        }
    }
}
