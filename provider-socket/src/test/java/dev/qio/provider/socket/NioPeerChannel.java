package dev.qio.provider.socket;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.BlockingEmulation;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test only: a plain {@code java.nio} {@link SocketChannel} that qio did not write, dressed as an
 * {@link dev.qio.channel.IoChannel} so the conformance kit can drive it as the other end of one of
 * our connections. It shares nothing with the provider: no shared poller, no
 * {@code SelectorReadiness}. The socket stays non-blocking; readiness comes from two private
 * selectors: one that {@link Readiness#poll()} asks with {@code selectNow}, and one that a small
 * watcher thread blocks on while someone is subscribed.
 *
 * <p>The watcher reports a condition once and then stops watching it until a poll (or an
 * operation that found nothing to do) sees it not hold, so a readable socket nobody reads does not
 * spin it; that is enough for {@code await} and the kit's level-triggered watches, which re-poll
 * after every signal.
 */
final class NioPeerChannel extends AbstractIoChannel {
    private final SocketChannel raw;
    private final PeerReadiness readiness;
    private final BlockingEmulation.Attempt readOnce = this::readOnce;
    private final BlockingEmulation.Attempt writeOnce = this::writeOnce;
    /** Set once by shutdown(READ). */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE): java.nio would throw ClosedChannelException on the channel, which means closed. */
    private volatile boolean writeShut;

    NioPeerChannel(String name, SocketChannel raw) throws IOException {
        super(name);
        this.raw = raw;
        raw.configureBlocking(false);
        this.readiness = new PeerReadiness(raw, name);
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return BlockingEmulation.transfer(this, IoCondition.IN, iov, readOnce);
    }

    private long readOnce(ByteBuffer[] iov) throws IOException {
        if (readShut) {
            return EOF;
        }
        int from = Iov.firstWithRemaining(iov);
        long n;
        try {
            n = raw.read(iov, from, Iov.sliceLength(iov, from));
        } catch (IOException e) {
            throw raw.isOpen() ? error("peer read failed", e) : e;
        }
        if (n == 0) {
            readiness.sawNot(SelectionKey.OP_READ);
        }
        return n < 0 ? EOF : n;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (writeShut) {
            throw error("peer write after shutdown(WRITE)", null);
        }
        return BlockingEmulation.transfer(this, IoCondition.OUT, iov, writeOnce);
    }

    private long writeOnce(ByteBuffer[] iov) throws IOException {
        int from = Iov.firstWithRemaining(iov);
        long n;
        try {
            n = raw.write(iov, from, Iov.sliceLength(iov, from));
        } catch (IOException e) {
            throw raw.isOpen() ? error("peer write failed", e) : e;
        }
        if (n == 0) {
            readiness.sawNot(SelectionKey.OP_WRITE);
        }
        return n;
    }

    @Override
    protected void implClose() throws IOException {
        try {
            raw.close();
        } finally {
            readiness.close(); // closing the selectors deregisters the socket, which lets java.nio close its fd
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // The socket stays non-blocking; blocking mode waits on the readiness.
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how.reads()) {
            readShut = true;
            raw.shutdownInput();
        }
        if (how.writes()) {
            writeShut = true;
            raw.shutdownOutput();
        }
        readiness.signal(); // a reader parked in await re-polls and sees readShut
    }

    /** Readiness from two private selectors; see the class description. */
    private final class PeerReadiness implements Readiness, Runnable {
        private static final int OPS = SelectionKey.OP_READ | SelectionKey.OP_WRITE;

        /** Used by poll() only, under its own monitor. */
        private final Selector pollSelector;
        /** Used by the watcher thread only (and wakeup/close from others). */
        private final Selector watchSelector;

        private final SelectionKey pollKey;
        private final SelectionKey watchKey;
        private final CopyOnWriteArrayList<Sub> subs = new CopyOnWriteArrayList<>();
        /** Ops the watcher reported and no one has seen not hold since; guarded by this. */
        private int reported;

        private record Sub(int ops, Runnable listener) {}

        PeerReadiness(SocketChannel ch, String name) throws IOException {
            pollSelector = Selector.open();
            watchSelector = Selector.open();
            pollKey = ch.register(pollSelector, OPS);
            watchKey = ch.register(watchSelector, 0);
            Thread.ofPlatform().daemon(true).name("nio-peer-watch " + name).start(this);
        }

        @Override
        public Set<IoCondition> poll() {
            EnumSet<IoCondition> now = EnumSet.noneOf(IoCondition.class);
            int ready;
            synchronized (pollSelector) {
                int[] seen = {0};
                try {
                    pollSelector.selectNow(k -> seen[0] = k.readyOps());
                } catch (IOException | ClosedSelectorException | CancelledKeyException e) {
                    return EnumSet.of(IoCondition.NVAL); // closed
                }
                ready = seen[0];
            }
            if ((ready & SelectionKey.OP_READ) != 0 || readShut) {
                now.add(IoCondition.IN);
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                now.add(IoCondition.OUT);
            }
            sawNot(OPS & ~ready);
            return now;
        }

        /** Someone saw {@code ops} not hold: watch them again if they were reported. */
        void sawNot(int ops) {
            synchronized (this) {
                if ((reported & ops) == 0) {
                    return;
                }
                reported &= ~ops;
            }
            watchSelector.wakeup(); // wakes the watcher so it watches these ops again
        }

        @Override
        public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
            int ops = (interest.contains(IoCondition.IN) ? SelectionKey.OP_READ : 0)
                    | (interest.contains(IoCondition.OUT) ? SelectionKey.OP_WRITE : 0);
            Sub sub = new Sub(ops, listener);
            subs.add(sub);
            watchSelector.wakeup(); // wakes the watcher so it watches the new interest
            return () -> subs.remove(sub);
        }

        void signal() {
            subs.forEach(s -> s.listener().run());
        }

        @Override
        public void run() {
            try {
                while (watchSelector.isOpen()) {
                    int wanted = 0;
                    for (Sub s : subs) {
                        wanted |= s.ops();
                    }
                    synchronized (this) {
                        wanted &= ~reported;
                    }
                    watchKey.interestOps(wanted);
                    int[] fired = {0};
                    watchSelector.select(k -> fired[0] = k.readyOps());
                    if (fired[0] != 0) {
                        synchronized (this) {
                            reported |= fired[0];
                        }
                        signal();
                    }
                }
            } catch (IOException | ClosedSelectorException | CancelledKeyException closed) {
                // the channel closed: nothing left to watch
            }
        }

        void close() throws IOException {
            try {
                pollSelector.close();
            } finally {
                watchSelector.close(); // wakes the watcher, which then ends
                signal();
            }
        }
    }
}
