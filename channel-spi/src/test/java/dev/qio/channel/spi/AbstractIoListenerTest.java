package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AbstractIoListener} through a listener whose pending clients the test queues. */
@Timeout(60)
class AbstractIoListenerTest {

    /** A listener whose "network" is a queue: {@link #arrive} makes a client pending. */
    static final class ScriptedListener extends AbstractIoListener {
        private final ConcurrentLinkedQueue<IoChannel> pending = new ConcurrentLinkedQueue<>();
        final SignalledReadiness readiness =
                new SignalledReadiness(() -> pending.isEmpty() ? Set.of() : Set.of(IoCondition.IN));
        final AtomicInteger closeCalls = new AtomicInteger();

        ScriptedListener() {
            super(URI.create("scripted://listener:0?"));
        }

        /** Queues a client and signals, as a transport does when a connection comes in; returns it. */
        <C extends IoChannel> C arrive(C client) {
            pending.add(client);
            readiness.signal();
            return client;
        }

        @Override
        protected IoChannel implAccept() {
            return pending.poll();
        }

        @Override
        protected Readiness readiness() {
            return readiness;
        }

        /** Counts; signals nothing on purpose, so tests show that the base wakes a blocked accept. */
        @Override
        protected void implClose() {
            closeCalls.incrementAndGet();
        }
    }

    private final ScriptedListener listener = new ScriptedListener();
    private final List<EventLoop> loops = new ArrayList<>();

    private EventLoop loop() {
        EventLoop loop = EventLoop.create("qio-listener-test");
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void tearDown() throws IOException {
        listener.close();
        loops.forEach(EventLoop::close);
    }

    private static ScriptedChannel client(int i) {
        return new ScriptedChannel("scripted://client/" + i);
    }

    @Test
    void featuresContainListen() {
        assertTrue(listener.features().contains(Feature.LISTEN));
    }

    @Test
    void nameIsTheLocalUriWithoutATrailingQuestionMark() {
        assertEquals("scripted://listener:0", listener.name());
        assertEquals(URI.create("scripted://listener:0?"), listener.localUri());
    }

    @Test
    void nonBlockingAcceptReturnsNullWhenNoClientIsPending() throws IOException {
        listener.setBlocking(false);

        assertFalse(listener.isBlocking());
        assertNull(listener.accept());
    }

    @Test
    void acceptReturnsAPendingClientAtOnce() throws IOException {
        ScriptedChannel c = client(1);
        listener.arrive(c);

        assertSame(c, listener.accept());
    }

    @Test
    void blockingAcceptWaitsAndReturnsTheClientThatArrives() throws Exception {
        ScriptedChannel c = client(1);

        Background<IoChannel> acceptor = Background.start("acceptor", listener::accept);
        acceptor.awaitParkedIn(Waiter.class);
        listener.arrive(c);

        assertSame(c, acceptor.result());
    }

    @Test
    void closeWakesABlockedAcceptWithClosedChannelException() throws Exception {
        Background<IoChannel> acceptor = Background.start("acceptor", listener::accept);
        acceptor.awaitParkedIn(Waiter.class);

        listener.close();

        Throwable t = acceptor.failure();
        assertInstanceOf(ClosedChannelException.class, t);
        assertTrue(t.getMessage().contains("scripted://listener:0"), t.getMessage());
    }

    @Test
    void closeIsIdempotentAndLaterAcceptsThrowClosedChannelException() throws IOException {
        listener.close();
        listener.close();

        assertEquals(1, listener.closeCalls.get());
        assertFalse(listener.isOpen());
        assertThrows(ClosedChannelException.class, listener::accept);
        assertThrows(ClosedChannelException.class, () -> listener.setBlocking(false));
    }

    @Test
    void onAcceptHandsEveryPendingClientToTheHandlerOnTheLoop() throws Exception {
        EventLoop loop = loop();
        List<IoChannel> handled = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch three = new CountDownLatch(3);
        CountDownLatch four = new CountDownLatch(4);
        List<ScriptedChannel> clients = List.of(client(1), client(2), client(3), client(4));
        clients.subList(0, 3).forEach(listener::arrive);

        Watch w = listener.onAccept(
                c -> {
                    handled.add(c);
                    onLoop.add(loop.inEventLoop());
                    three.countDown();
                    four.countDown();
                },
                loop);
        three.await();
        listener.arrive(clients.get(3));
        four.await();

        assertEquals(clients, handled);
        assertEquals(List.of(true, true, true, true), onLoop);
        assertTrue(w.isActive());
    }

    @Test
    void closingTheListenerEndsItsOnAcceptWatches() throws Exception {
        Watch w = listener.onAccept(c -> {}, loop());

        listener.close();

        assertFalse(w.isActive());
    }

    /** A loop that rejects the first dispatch ends the watch at once; onAccept does not throw. */
    @Test
    void onAcceptOnAClosedLoopIsInactive() {
        EventLoop closed = loop();
        closed.close();

        Watch w = listener.onAccept(c -> {}, closed);

        assertFalse(w.isActive());
    }
}
