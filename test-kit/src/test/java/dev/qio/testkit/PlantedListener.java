package dev.qio.testkit;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Test only: {@link PipeListener}s with one bug each, planted by a forwarding listener, as
 * {@link PlantedListenerBugTest} needs them: each must fail its {@link ListenerContract} check
 * with that check's own assertion. {@link Bug#SOUND} plants nothing.
 */
final class PlantedListener implements IoListener {
    /** What is broken. */
    enum Bug {
        /** Nothing: the whole contract passes. */
        SOUND,
        /** onAccept gives an active watch that never hands a client over. */
        ON_ACCEPT_NEVER_FIRES,
        /** localUri() says the port asked for (0), not the one bound. */
        LOCAL_URI_PORT_ZERO,
        /** close() marks the listener closed but leaves a thread blocked in accept() waiting. */
        CLOSE_WAKES_NO_ACCEPT,
        /** close() leaves the address taken: clients still connect. */
        CLOSE_KEEPS_ADDRESS;

        /** A fixture whose listeners have this bug; {@code made} collects them, to be let go of afterwards. */
        ListenerFixture fixture(List<PipeListener> made) {
            Bug bug = this;
            return new ListenerFixture() {
                @Override
                public String name() {
                    return "pipe, " + bug;
                }

                @Override
                public IoListener listen() {
                    PipeListener l = PipeListener.listen(bug == CLOSE_KEEPS_ADDRESS);
                    made.add(l);
                    return new PlantedListener(l, bug);
                }

                @Override
                public IoChannel connect(IoListener listener) throws IOException {
                    return PipeListener.connect(listener.localUri());
                }
            };
        }
    }

    private final PipeListener inner;
    private final Bug bug;
    private volatile boolean closed;

    private PlantedListener(PipeListener inner, Bug bug) {
        this.inner = inner;
        this.bug = bug;
    }

    @Override
    public IoChannel accept() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        return inner.accept();
    }

    @Override
    public void setBlocking(boolean blocking) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        inner.setBlocking(blocking);
    }

    @Override
    public boolean isBlocking() {
        return inner.isBlocking();
    }

    @Override
    public URI localUri() {
        URI real = inner.localUri();
        return bug == Bug.LOCAL_URI_PORT_ZERO ? URI.create(real.getScheme() + "://" + real.getHost() + ":0") : real;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Set<Feature> features() {
        return inner.features();
    }

    @Override
    public Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
        if (bug != Bug.ON_ACCEPT_NEVER_FIRES) {
            return inner.onAccept(handler, loop);
        }
        return new Watch() {
            private volatile boolean active = true;

            @Override
            public boolean isActive() {
                return active && !closed;
            }

            @Override
            public void close() {
                active = false;
            }
        };
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (bug != Bug.CLOSE_WAKES_NO_ACCEPT) {
            inner.close();
        }
    }
}
