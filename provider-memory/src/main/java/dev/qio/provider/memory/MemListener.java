package dev.qio.provider.memory;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@code mem://NAME} listener: while open it owns NAME in a process-wide table, and
 * {@code open("mem://NAME")} connects to it.
 *
 * <p>Connecting never waits: the opener gets its end at once and the other end is queued here
 * until {@link #accept()} takes it (a blocking accept waits for one; a non-blocking one returns
 * {@code null}). Each direction of a connection buffers the opener's {@code capacity} if it gave
 * one, else this listener's, else 64 KiB. Names are case-sensitive and in-process only.
 *
 * <p>{@link #close()} frees NAME (a new listener may take it at once), closes the queued ends no
 * one accepted (their openers then read EOF and get "Broken pipe" on write), and wakes a blocked
 * accept with {@link java.nio.channels.ClosedChannelException}. Accepted channels stay open. A
 * second close does nothing.
 */
final class MemListener extends AbstractIoListener {
    static final int DEFAULT_CAPACITY = 64 * 1024;
    static final int MAX_CAPACITY = 1 << 30;
    private static final Set<IoCondition> PENDING = Set.of(IoCondition.IN);
    private static final Set<IoCondition> NOTHING = Set.of();

    /** Every open listener by name; an entry is removed only by its own listener's close. */
    private static final ConcurrentHashMap<String, MemListener> BOUND = new ConcurrentHashMap<>();

    private final String address;
    private final int capacity;
    private final AtomicInteger served = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@code lock}: server ends not yet accepted, oldest first. */
    private final ArrayDeque<MemChannel> pending = new ArrayDeque<>();
    /** Guarded by {@code lock}: set when close starts, so no connection is queued after it drained. */
    private boolean closing;

    private final SignalledReadiness readiness = new SignalledReadiness(this::poll);

    private MemListener(String address, int capacity) {
        super(URI.create("mem://" + address));
        this.address = address;
        this.capacity = capacity;
    }

    /**
     * Binds {@code mem://NAME[?capacity=BYTES]}.
     *
     * @throws IllegalArgumentException if the URI is not {@code mem://NAME} or has a bad option
     * @throws IOException "address in use" if an open listener has NAME
     */
    static MemListener bind(URI uri) throws IOException {
        UriOptions options = UriOptions.of(uri);
        String address = address(uri, options);
        int capacity = capacity(options, DEFAULT_CAPACITY);
        options.finish();
        MemListener listener = new MemListener(address, capacity);
        if (BOUND.putIfAbsent(address, listener) != null) {
            throw new IOException("mem://" + address + ": address in use: another listener has this name");
        }
        return listener;
    }

    /**
     * Connects to the listener of {@code mem://NAME[?capacity=BYTES]} and returns the opener's end.
     *
     * @throws IOException "Connection refused" if no open listener has NAME
     */
    static IoChannel connect(URI uri) throws IOException {
        UriOptions options = UriOptions.of(uri);
        String address = address(uri, options);
        int asked = capacity(options, 0);
        options.finish();
        MemListener listener = BOUND.get(address);
        IoChannel client = listener == null ? null : listener.enqueue(options.uri(), asked);
        if (client == null) {
            throw new IOException("Connection refused: no listener on mem://" + address);
        }
        return client;
    }

    /** Queues a new connection's server end; {@code null} if this listener is closing. */
    private IoChannel enqueue(String clientName, int asked) throws IOException {
        String serverName = "mem://" + address + "#server-" + served.incrementAndGet();
        MemChannel.Connection c = MemChannel.connect(clientName, serverName, asked > 0 ? asked : capacity);
        boolean queued;
        lock.lock();
        try {
            queued = !closing;
            if (queued) {
                pending.addLast(c.server());
            }
        } finally {
            lock.unlock();
        }
        if (!queued) {
            c.client().close();
            c.server().close();
            return null;
        }
        readiness.signal(); // wakes a blocked accept and onAccept watches
        return c.client();
    }

    @Override
    protected IoChannel implAccept() {
        lock.lock();
        try {
            return pending.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implClose() throws IOException {
        List<MemChannel> orphans;
        lock.lock();
        try {
            closing = true;
            orphans = new ArrayList<>(pending);
            pending.clear();
        } finally {
            lock.unlock();
        }
        BOUND.remove(address, this);
        for (MemChannel orphan : orphans) {
            orphan.close();
        }
        readiness.signal(); // wakes a blocked accept, which then sees the listener closed
    }

    private Set<IoCondition> poll() {
        lock.lock();
        try {
            return pending.isEmpty() ? NOTHING : PENDING;
        } finally {
            lock.unlock();
        }
    }

    /** NAME of {@code mem://NAME}: the raw authority, which must be all there is. */
    private static String address(URI uri, UriOptions options) {
        String authority = uri.getRawAuthority();
        boolean plain = !uri.isOpaque()
                && authority != null
                && !authority.isEmpty()
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawFragment() == null;
        if (!plain) {
            throw new IllegalArgumentException(options.uri() + ": expected mem://NAME[?capacity=BYTES]");
        }
        return authority;
    }

    /** The {@code capacity} option, or {@code absent} when it is not given. */
    static int capacity(UriOptions options, int absent) {
        return (int) options.bytes("capacity", absent, 1, MAX_CAPACITY);
    }
}
