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
import dev.qio.channel.Watch;
import dev.qio.channel.spi.AbstractIoListenerTest.ScriptedListener;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LayerListener} over a scripted inner listener: the test decides which clients arrive,
 * which wraps and handshakes fail, and when an asynchronous handshake ends.
 */
@Timeout(60)
class LayerListenerTest {

    /**
     * A layer whose channels are scripted channels named {@code test+INNER}. Clients whose inner
     * name is in {@link #failWrap} fail to wrap, those in {@link #failHandshake} fail both
     * handshakes; a blocking handshake of a client in {@link #holdHandshake} waits until its
     * channel is closed. With {@link #async} set, asynchronous handshakes end when the test
     * completes the future in {@link #handshakes}.
     */
    static final class TestLayer extends LayerListener<ScriptedChannel> {
        final Map<ScriptedChannel, IoChannel> wrapped = new ConcurrentHashMap<>();
        final Set<String> failWrap = ConcurrentHashMap.newKeySet();
        final Set<String> failHandshake = ConcurrentHashMap.newKeySet();
        final Set<String> holdHandshake = ConcurrentHashMap.newKeySet();
        final CountDownLatch handshakeHeld = new CountDownLatch(1);
        final List<Thread> handshakeThreads = new ArrayList<>();
        volatile boolean async;
        final BlockingQueue<CompletableFuture<Void>> handshakes = new LinkedBlockingQueue<>();

        TestLayer(ScriptedListener inner) {
            super("test", inner);
        }

        @Override
        protected ScriptedChannel wrap(IoChannel inner) throws IOException {
            if (failWrap.contains(inner.name())) {
                throw new IOException(inner.name() + ": wrap refused");
            }
            ScriptedChannel layered = new ScriptedChannel("test+" + inner.name());
            wrapped.put(layered, inner);
            return layered;
        }

        @Override
        protected void handshake(ScriptedChannel channel) throws IOException {
            synchronized (handshakeThreads) {
                handshakeThreads.add(Thread.currentThread());
            }
            String inner = wrapped.get(channel).name();
            if (failHandshake.contains(inner)) {
                throw new IOException(channel.name() + ": handshake refused");
            }
            if (holdHandshake.contains(inner)) {
                handshakeHeld.countDown();
                try {
                    channel.implClosed.await(); // as a real handshake waits in its channel until close wakes it
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                throw new ClosedChannelException();
            }
        }

        @Override
        protected CompletionStage<?> handshakeAsync(ScriptedChannel channel, EventLoop loop) {
            if (failHandshake.contains(wrapped.get(channel).name())) {
                return CompletableFuture.failedFuture(new IOException(channel.name() + ": handshake refused"));
            }
            if (!async) {
                return super.handshakeAsync(channel, loop);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            handshakes.add(done);
            return done;
        }

        /** The layered channel handed out for {@code inner}. */
        ScriptedChannel layeredOf(IoChannel inner) {
            return wrapped.entrySet().stream()
                    .filter(e -> e.getValue() == inner)
                    .findFirst()
                    .orElseThrow()
                    .getKey();
        }
    }

    private final ScriptedListener inner = new ScriptedListener();
    private final TestLayer layer = new TestLayer(inner);
    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        layer.close();
        loops.forEach(EventLoop::close);
    }

    private EventLoop loop() {
        EventLoop loop = EventLoop.create("qio-layer-test");
        loops.add(loop);
        return loop;
    }

    private ScriptedChannel arrive(String name) {
        return inner.arrive(new ScriptedChannel(name));
    }

    // ---- what the layer takes from the inner listener -------------------------------------------

    @Test
    void addressAndNameCarryTheLayerPrefixAndTheRestIsTheInnerListeners() throws IOException {
        assertEquals(URI.create("test+scripted://listener:0?"), layer.localUri());
        assertEquals("test+scripted://listener:0", layer.name());
        assertTrue(layer.features().contains(Feature.LISTEN));
        assertTrue(layer.isBlocking());

        layer.setBlocking(false);

        assertFalse(inner.isBlocking());
        assertFalse(layer.isBlocking());
    }

    // ---- blocking accept ------------------------------------------------------------------------

    @Test
    void blockingAcceptWrapsAndShakesHandsOnTheCallingThread() throws IOException {
        ScriptedChannel raw = arrive("c1");

        IoChannel got = layer.accept();

        assertEquals("test+c1", got.name());
        assertSame(raw, layer.wrapped.get(got));
        assertEquals(List.of(Thread.currentThread()), layer.handshakeThreads);
    }

    @Test
    void aFailedWrapOrHandshakeThrowsClosesTheClientAndTheNextAcceptServesTheNextClient() throws IOException {
        layer.failWrap.add("wrap");
        layer.failHandshake.add("shake");
        ScriptedChannel wrap = arrive("wrap");
        ScriptedChannel shake = arrive("shake");
        arrive("good");

        assertEquals(
                "wrap: wrap refused",
                assertThrows(IOException.class, layer::accept).getMessage());
        assertFalse(wrap.isOpen()); // the inner channel, as there is no layered one
        assertEquals(
                "test+shake: handshake refused",
                assertThrows(IOException.class, layer::accept).getMessage());
        assertFalse(layer.layeredOf(shake).isOpen());
        assertTrue(layer.isOpen());
        assertEquals("test+good", layer.accept().name());
    }

    @Test
    void closeWakesAnAcceptInAHandshakeWithAsynchronousCloseException() throws Exception {
        layer.holdHandshake.add("slow");
        ScriptedChannel slow = arrive("slow");
        Background<IoChannel> acceptor = Background.start("acceptor", layer::accept);
        assertTrue(layer.handshakeHeld.await(30, TimeUnit.SECONDS));

        layer.close();

        Throwable t = acceptor.failure();
        assertInstanceOf(AsynchronousCloseException.class, t);
        assertEquals("test+scripted://listener:0: channel was closed while the operation waited", t.getMessage());
        assertInstanceOf(ClosedChannelException.class, t.getCause()); // what the handshake met
        assertFalse(layer.layeredOf(slow).isOpen());
        assertFalse(inner.isOpen());
    }

    @Test
    void acceptOnAClosedListenerThrowsClosedChannelExceptionNamingTheLayer() throws IOException {
        layer.close();
        layer.close();

        ClosedChannelException e = assertThrows(ClosedChannelException.class, layer::accept);
        assertEquals("test+scripted://listener:0: channel is closed", e.getMessage());
        assertFalse(layer.isOpen());
        assertEquals(1, inner.closeCalls.get());
    }

    @Test
    void closeLeavesClientsAlreadyHandedOutOpen() throws IOException {
        arrive("c1");
        IoChannel got = layer.accept();

        layer.close();

        assertTrue(got.isOpen());
    }

    // ---- non-blocking accept --------------------------------------------------------------------

    @Test
    void withoutAHandshakeANonBlockingAcceptReturnsAPendingClientAtOnce() throws IOException {
        layer.setBlocking(false);
        assertNull(layer.accept());
        arrive("c1");

        assertEquals("test+c1", layer.accept().name());
        assertNull(layer.accept());
    }

    @Test
    void aNonBlockingAcceptReturnsAClientOnlyOnceItsHandshakeHasFinished() throws IOException {
        layer.async = true;
        layer.setBlocking(false);
        arrive("c1");

        assertNull(layer.accept()); // the handshake has started, not finished
        layer.handshakes.remove().complete(null);

        assertEquals("test+c1", layer.accept().name());
    }

    @Test
    void aNonBlockingAcceptDropsAClientWhoseWrapOrHandshakeFails() throws IOException {
        layer.setBlocking(false);
        layer.failWrap.add("wrap");
        layer.failHandshake.add("shake");
        ScriptedChannel wrap = arrive("wrap");
        ScriptedChannel shake = arrive("shake");
        arrive("good");

        assertEquals("test+good", layer.accept().name()); // no exception for the others: nobody waits for them
        assertNull(layer.accept());
        assertFalse(wrap.isOpen());
        assertFalse(layer.layeredOf(shake).isOpen());
    }

    @Test
    void aBlockingAcceptFirstReturnsWhatAnEarlierNonBlockingAcceptFinished() throws IOException {
        layer.async = true;
        layer.setBlocking(false);
        arrive("c1");
        assertNull(layer.accept());
        layer.handshakes.remove().complete(null);

        layer.setBlocking(true);

        assertEquals("test+c1", layer.accept().name());
    }

    @Test
    void closeClosesClientsInAHandshakeAndFinishedClientsNotTakenYet() throws IOException {
        layer.async = true;
        layer.setBlocking(false);
        ScriptedChannel finished = arrive("finished");
        ScriptedChannel pending = arrive("pending");
        assertNull(layer.accept()); // both handshakes started
        layer.handshakes.remove().complete(null); // "finished"'s

        layer.close();

        assertFalse(layer.layeredOf(finished).isOpen());
        assertFalse(layer.layeredOf(pending).isOpen());
        assertThrows(ClosedChannelException.class, layer::accept);
    }

    // ---- onAccept -------------------------------------------------------------------------------

    @Test
    void onAcceptHandsOverOnTheLoopOnlyClientsThatPassed() throws Exception {
        EventLoop loop = loop();
        layer.failWrap.add("wrap");
        layer.failHandshake.add("shake");
        BlockingQueue<IoChannel> handled = new LinkedBlockingQueue<>();
        BlockingQueue<Boolean> onLoop = new LinkedBlockingQueue<>();
        ScriptedChannel wrap = arrive("wrap");
        ScriptedChannel shake = arrive("shake");
        arrive("good");

        Watch w = layer.onAccept(
                c -> {
                    onLoop.add(loop.inEventLoop()); // first: the test reads it once it has seen the client
                    handled.add(c);
                },
                loop);

        assertEquals("test+good", handled.poll(30, TimeUnit.SECONDS).name());
        assertEquals(true, onLoop.remove());
        assertFalse(wrap.isOpen());
        assertFalse(layer.layeredOf(shake).isOpen());
        assertTrue(w.isActive());
        arrive("later");
        assertEquals("test+later", handled.poll(30, TimeUnit.SECONDS).name());
        assertTrue(handled.isEmpty());
    }

    @Test
    void aClientWhoseHandshakeEndsAfterItsWatchIsClosedIsClosedNotHandedOver() throws Exception {
        layer.async = true;
        BlockingQueue<IoChannel> handled = new LinkedBlockingQueue<>();
        Watch w = layer.onAccept(handled::add, loop());
        ScriptedChannel raw = arrive("c1");
        CompletableFuture<Void> handshake = layer.handshakes.poll(30, TimeUnit.SECONDS);

        w.close();
        handshake.complete(null);

        ScriptedChannel layered = layer.layeredOf(raw);
        assertTrue(layered.implClosed.await(30, TimeUnit.SECONDS));
        assertFalse(w.isActive());
        assertTrue(handled.isEmpty());
    }

    @Test
    void closingTheListenerEndsOnAcceptAndClosesClientsInAHandshake() throws Exception {
        layer.async = true;
        Watch w = layer.onAccept(c -> {}, loop());
        ScriptedChannel raw = arrive("c1");
        layer.handshakes.poll(30, TimeUnit.SECONDS);

        layer.close();

        assertFalse(w.isActive());
        assertFalse(layer.layeredOf(raw).isOpen());
    }
}
