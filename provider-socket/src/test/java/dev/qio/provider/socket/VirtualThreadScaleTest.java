package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code await} on a virtual thread does not pin its carrier. A thousand virtual threads each
 * block in a blocking-mode read on their own accepted tcp channel; all of them must be parked at
 * once, which on a machine with a handful of carrier threads (one per core: two here) is only
 * possible if a parked read unmounts. Then one message goes to each peer, and every thread must
 * return with its own bytes.
 */
class VirtualThreadScaleTest {
    /** Pairs wanted; scaled down (see {@link #pairsThisProcessCanOpen}) only if the descriptor limit is low. */
    private static final int PAIRS = 1_000;

    /**
     * Two sockets per pair, plus headroom for the JVM's own descriptors: with the usual soft limit
     * of 1024 this gives fewer pairs, and the test still proves the point as long as there are
     * more blocked threads than carriers. This machine's limit (20000) allows all 1,000.
     */
    private static int pairsThisProcessCanOpen() throws IOException {
        long free = TestSupport.descriptorLimit() - TestIo.openDescriptors().size() - 200;
        return (int) Math.max(16, Math.min(PAIRS, free / 2));
    }

    private static String message(int i) {
        return String.format("message-%04d", i);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandBlockedReadsOnVirtualThreadsHoldNoCarrier() throws Exception {
        int pairs = pairsThisProcessCanOpen();
        int carriers = Integer.getInteger(
                "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
        assertTrue(
                pairs > carriers * 4,
                "too few descriptors to outnumber the " + carriers + " carrier threads: " + pairs + " pairs");
        List<IoChannel> clients = new ArrayList<>(pairs);
        List<IoChannel> servers = new ArrayList<>(pairs);
        List<Thread> readers = new ArrayList<>(pairs);
        AtomicReferenceArray<Object> outcome = new AtomicReferenceArray<>(pairs); // the String read, or the Throwable
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0?backlog=128")) {
            for (int i = 0; i < pairs; i++) {
                clients.add(IoChannels.open(listener.localUri()));
                servers.add(listener.accept());
            }
            for (int i = 0; i < pairs; i++) {
                int k = i;
                IoChannel server = servers.get(i);
                readers.add(Thread.ofVirtual().name("reader-" + i).start(() -> {
                    try {
                        ByteBuffer got = ByteBuffer.allocate(message(k).length());
                        server.readAll(got); // blocking mode: parks until the peer writes
                        outcome.set(k, new String(got.array(), StandardCharsets.US_ASCII));
                    } catch (Throwable t) {
                        outcome.set(k, t);
                    }
                }));
            }
            // Every reader parked in the read at the same time (an event; the timeout bounds the wait).
            for (Thread t : readers) {
                while (!Background.isBlockedIn(t, AbstractIoChannel.class)) {
                    assertTrue(
                            t.isAlive(),
                            t.getName() + " ended before any data was sent: " + outcome.get(readers.indexOf(t)));
                    Thread.onSpinWait();
                }
            }
            for (int i = 0; i < pairs; i++) {
                clients.get(i).writeAll(ByteBuffer.wrap(message(i).getBytes(StandardCharsets.US_ASCII)));
            }
            for (Thread t : readers) {
                t.join();
            }
            for (int i = 0; i < pairs; i++) {
                Object o = outcome.get(i);
                if (o instanceof Throwable t) {
                    throw new AssertionError("reader " + i + " failed", t);
                }
                assertEquals(message(i), o, "reader " + i + " got another reader's bytes");
            }
        } finally {
            for (Thread t : readers) {
                t.interrupt(); // a failed assertion above leaves readers parked: wake them
            }
            for (IoChannel c : clients) {
                c.close();
            }
            for (IoChannel s : servers) {
                s.close();
            }
        }
    }
}
