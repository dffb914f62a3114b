package dev.qio.testkit;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test only: the smallest correct listener, handing out {@link PipeChannel} pairs, so the kit's own
 * tests can run {@link ListenerContract} without a provider. Each listener takes a port of its own
 * in an in-process table ({@code pipe://kit:PORT}); {@link #connect} finds it there and queues the
 * server end. {@link PlantedListener} breaks it on purpose.
 */
final class PipeListener extends AbstractIoListener {
    private static final AtomicInteger PORTS = new AtomicInteger(40_000);
    private static final Map<Integer, PipeListener> LISTENING = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<IoChannel> pending = new ConcurrentLinkedQueue<>();
    private final SignalledReadiness readiness = new SignalledReadiness(this::poll);
    /** A planted bug: close leaves the address taken, so clients still connect. */
    private final boolean keepAddressOnClose;

    private PipeListener(int port, boolean keepAddressOnClose) {
        super(URI.create("pipe://kit:" + port));
        this.keepAddressOnClose = keepAddressOnClose;
    }

    /** A new listener on a port no other holds. */
    static PipeListener listen(boolean keepAddressOnClose) {
        int port = PORTS.incrementAndGet();
        PipeListener l = new PipeListener(port, keepAddressOnClose);
        LISTENING.put(port, l);
        return l;
    }

    /** A client of whatever listens on {@code uri}'s port; refused when nothing does. */
    static IoChannel connect(URI uri) throws IOException {
        PipeListener l = LISTENING.get(uri.getPort());
        if (l == null) {
            throw new ConnectException(uri + ": nothing listens there");
        }
        IoChannel[] ends = PipeChannel.pair("pipe-" + uri.getPort(), 64 << 10);
        l.pending.add(ends[1]);
        l.readiness.signal();
        return ends[0];
    }

    private Set<IoCondition> poll() {
        return ConditionMask.set(pending.isEmpty() ? 0 : ConditionMask.IN);
    }

    @Override
    protected IoChannel implAccept() {
        return pending.poll();
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implClose() throws IOException {
        if (!keepAddressOnClose) {
            LISTENING.remove(localUri().getPort(), this);
        }
        IoChannel never;
        while ((never = pending.poll()) != null) {
            never.close(); // its client reads EOF
        }
        readiness.signal();
    }
}
