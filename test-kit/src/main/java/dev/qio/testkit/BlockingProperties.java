package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Non-blocking mode and readiness: ERR_BLOCK exactly when nothing can move, {@code await} and
 * watches that fire when something can, and blocking calls that wait instead.
 */
final class BlockingProperties {
    private BlockingProperties() {}

    /** Fill a starved reader with more bytes than this and a bounded pipe could block the writer. */
    static final int SMALL = 4096;

    /** A starved non-blocking read gives ERR_BLOCK, never EOF; after await(IN) it makes progress. */
    static void readWhenStarved(ChannelFixture fixture, int k, long seed) throws Throwable {
        byte[] data = Inputs.payload(k, seed);
        try (ChannelPair pair = fixture.open()) {
            IoChannel r = pair.reader();
            r.setBlocking(false);
            ByteBuffer[] iov = {ByteBuffer.allocate(k)};
            for (int i = 0; i < 2; i++) {
                assertEquals(
                        IoChannel.ERR_BLOCK,
                        CheckedIo.readvPromptly(r, iov),
                        r.name() + ": a starved non-blocking read");
            }
            pair.writer().writeAll(ByteBuffer.wrap(data));
            Kit.sent(fixture, pair.writer());
            r.await(IoCondition.IN);
            long n = CheckedIo.readv(r, iov);
            assertTrue(n > 0, r.name() + ": after await(IN) the read must make progress, got " + n);
            r.readvAll(iov);
            assertArrayEquals(data, iov[0].array());
        }
    }

    /** A blocking read on a starved reader waits for the data instead of returning ERR_BLOCK. */
    static void blockingReadWaits(ChannelFixture fixture, int k, long seed) throws Throwable {
        byte[] data = Inputs.payload(k, seed);
        try (ChannelPair pair = fixture.open()) {
            IoChannel r = pair.reader();
            ByteBuffer dst = ByteBuffer.allocate(k);
            AtomicReference<Thread> reader = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Concurrently.run(
                    pair,
                    () -> {
                        reader.set(Thread.currentThread());
                        started.countDown();
                        long n = CheckedIo.readv(r, new ByteBuffer[] {dst});
                        assertTrue(n > 0, r.name() + ": a blocking read returned " + n);
                    },
                    () -> {
                        started.await();
                        Concurrently.awaitBlocked(reader.get());
                        pair.writer().writeAll(ByteBuffer.wrap(data));
                        Kit.sent(fixture, pair.writer());
                    });
            r.readAll(dst);
            assertArrayEquals(data, dst.array());
        }
    }

    /**
     * A non-blocking writer that nobody reads fills up and gets ERR_BLOCK; once a reader drains,
     * await(OUT) returns and the write makes progress; nothing is lost or reordered.
     */
    static void writeWhenFull(ChannelFixture fixture, int chunk, long seed) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            SeededStream stream = new SeededStream(seed);
            long total = fill(w, fixture, chunk, stream, true);
            long expected = total + chunk;
            IoChannel r = pair.reader();
            Concurrently.run(
                    pair,
                    () -> {
                        w.await(IoCondition.OUT);
                        ByteBuffer last = stream.bytes(total, chunk);
                        long n = CheckedIo.writev(w, new ByteBuffer[] {last});
                        assertTrue(n > 0, w.name() + ": after await(OUT) the write must make progress, got " + n);
                        w.writeAll(last);
                        pair.finishWriting();
                    },
                    () -> {
                        SeededStream check = new SeededStream(seed);
                        ByteBuffer got = ByteBuffer.allocate(64 << 10);
                        long seen = 0;
                        while (seen < expected) {
                            got.clear().limit((int) Math.min(got.capacity(), expected - seen));
                            r.readAll(got);
                            if (check.mismatch(got, seen) >= 0) {
                                fail(r.name() + ": byte " + check.mismatch(got, seen)
                                        + " differs from what was written");
                            }
                            seen += got.position();
                        }
                    });
        }
    }

    /** A watch for IN fires once data arrives (not before), and ends when its callback says so. */
    static void watchIn(ChannelFixture fixture, int k) throws Throwable {
        try (ChannelPair pair = fixture.open();
                EventLoop loop = EventLoop.create("qio-kit-loop")) {
            IoChannel r = pair.reader();
            r.setBlocking(false);
            AtomicBoolean written = new AtomicBoolean();
            AtomicReference<String> problem = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            Watch watch = r.addWatch(
                    Set.of(IoCondition.IN),
                    (ch, ready) -> {
                        if (!written.get()) {
                            problem.set("the IN watch fired before any data was written: " + ready);
                        }
                        try {
                            long n = ch.read(ByteBuffer.allocate(k));
                            if (n <= 0) {
                                problem.compareAndSet(null, "IN fired but a read returned " + n);
                            }
                        } catch (Exception e) {
                            problem.compareAndSet(null, "read in the watch failed: " + e);
                        }
                        fired.countDown();
                        return false;
                    },
                    loop);
            written.set(true);
            pair.writer().writeAll(ByteBuffer.wrap(new byte[k]));
            Kit.sent(fixture, pair.writer());
            fired.await();
            settle(loop);
            assertEquals(null, problem.get());
            assertFalse(watch.isActive(), "a watch whose callback returned false must end");
        }
    }

    /** A watch for OUT on a full writer fires once a reader makes room. */
    static void watchOut(ChannelFixture fixture, int chunk) throws Throwable {
        Thread drain = null;
        try (ChannelPair pair = fixture.open();
                EventLoop loop = EventLoop.create("qio-kit-loop")) {
            IoChannel w = pair.writer();
            long total = fill(w, fixture, chunk, null, false);
            AtomicBoolean drained = new AtomicBoolean();
            AtomicReference<String> problem = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            w.addWatch(
                    Set.of(IoCondition.OUT),
                    (ch, ready) -> {
                        // Before the drain the watch may fire only if there really is room: a TCP sender
                        // can find some again after its EAGAIN without the reader reading.
                        if (!drained.get() && !roomNow(ch)) {
                            problem.set("the OUT watch fired while the writer was still full: " + ready);
                        }
                        fired.countDown();
                        return false;
                    },
                    loop);
            drained.set(true);
            if (Kit.has(fixture, Capability.HOLDS_WRITES)) {
                // Part of total is held by the writer and never arrives: read what does, until the
                // pair closes (the reader stays open meanwhile, so the writer's close can push).
                IoChannel r = pair.reader();
                drain = Thread.ofPlatform().name("qio-kit-drain").start(() -> drainUntilClosed(r));
                fired.await();
            } else {
                pair.reader().readAll(ByteBuffer.allocate((int) Math.min(total, 1 << 20)));
                fired.await();
            }
            assertEquals(null, problem.get());
        } finally {
            if (drain != null) {
                drain.join();
            }
        }
    }

    /** Reads until end of stream or until the channel is closed under the read. */
    private static void drainUntilClosed(IoChannel r) {
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        try {
            while (r.read(b.clear()) != IoChannel.EOF) {
                // the bytes that make room at the writer
            }
        } catch (java.io.IOException closed) {
            // the property closed the reader once the watch fired
        }
    }

    /** Whether a one-byte non-blocking write moves now; an I/O error counts as room (the write would not block). */
    private static boolean roomNow(IoChannel ch) {
        try {
            return ch.write(ByteBuffer.allocate(1)) != IoChannel.ERR_BLOCK;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Level triggered: a watch whose condition keeps holding runs again each time it returns true. */
    static void watchRepeatsUntilFalse(ChannelFixture fixture, int times) throws Throwable {
        try (ChannelPair pair = fixture.open();
                EventLoop loop = EventLoop.create("qio-kit-loop")) {
            IoChannel w = pair.writer();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            Watch watch = w.addWatch(
                    Set.of(IoCondition.OUT),
                    (ch, ready) -> {
                        assertTrue(ready.contains(IoCondition.OUT), "ready set " + ready);
                        if (calls.incrementAndGet() < times) {
                            return true;
                        }
                        done.countDown();
                        return false;
                    },
                    loop);
            done.await();
            settle(loop);
            assertEquals(times, calls.get(), w.name() + ": callback runs until it returns false, then never again");
            assertFalse(watch.isActive());
        }
    }

    /** Closing the channel ends its watches; the callback does not run after close. */
    static void closeEndsWatch(ChannelFixture fixture) throws Throwable {
        try (ChannelPair pair = fixture.open();
                EventLoop loop = EventLoop.create("qio-kit-loop")) {
            IoChannel w = pair.writer();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch first = new CountDownLatch(1);
            Watch watch = w.addWatch(
                    Set.of(IoCondition.OUT),
                    (ch, ready) -> {
                        calls.incrementAndGet();
                        try {
                            ch.close();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        first.countDown();
                        return true; // keep: only the close may end it
                    },
                    loop);
            first.await();
            settle(loop);
            assertEquals(1, calls.get(), "the watch ran after its channel was closed");
            assertFalse(watch.isActive(), "closing a channel ends its watches");
        }
    }

    /**
     * Writes in non-blocking mode, {@code chunk} bytes a call, until the writer returns ERR_BLOCK,
     * and leaves it non-blocking. The bytes are {@code data}'s from offset 0, or zeros when it is
     * null. Each call must return within {@link Kit#PROMPT} (the calls run on a helper thread,
     * watched for progress), so a non-blocking write that waits for the peer fails here.
     *
     * @param confirm whether to write once more right after the first ERR_BLOCK, on the same thread,
     *     and require ERR_BLOCK again (the writer stays full)
     * @return the bytes written
     * @throws AssertionError if 256 MiB went in without ERR_BLOCK, although the fixture declares
     *     FILL, or if a call did not return within the bound
     */
    static long fill(IoChannel w, ChannelFixture fixture, int chunk, SeededStream data, boolean confirm)
            throws Throwable {
        w.setBlocking(false);
        AtomicLong total = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        Concurrently.run(
                w, calls::get, w.name() + ": the non-blocking writes filling the writer (calls returned)", () -> {
                    ByteBuffer buf = ByteBuffer.allocate(chunk);
                    while (true) {
                        if (data != null) {
                            data.fill(buf.clear(), total.get());
                        }
                        long n = CheckedIo.writev(w, new ByteBuffer[] {buf.clear()});
                        calls.incrementAndGet();
                        if (n == IoChannel.ERR_BLOCK) {
                            if (!confirm) {
                                return;
                            }
                            // Full is two ERR_BLOCKs in a row, here on the same thread: a TCP sender can
                            // find a little room again right after its EAGAIN (the receiver's kernel takes
                            // the queued segments), which is no error; then it must block again.
                            n = CheckedIo.writev(w, new ByteBuffer[] {buf.clear()});
                            calls.incrementAndGet();
                            if (n == IoChannel.ERR_BLOCK) {
                                return;
                            }
                        }
                        if (total.addAndGet(n) > 256L << 20) {
                            fail(w.name() + ": took " + total + " bytes without blocking; fixture '" + fixture.name()
                                    + "' declares FILL");
                        }
                    }
                });
        return total.get();
    }

    /** {@link #fill(IoChannel, ChannelFixture, int, SeededStream, boolean)} with zeros, in 64 KiB writes. */
    static long fill(IoChannel w, ChannelFixture fixture) throws Throwable {
        return fill(w, fixture, 64 << 10, null, false);
    }

    /** Lets every dispatch queued on {@code loop} so far run. */
    static void settle(EventLoop loop) throws InterruptedException {
        for (int i = 0; i < 3; i++) { // a dispatch may queue one more; three rounds cover a re-queue
            CountDownLatch marker = new CountDownLatch(1);
            loop.execute(marker::countDown);
            marker.await();
        }
    }
}
