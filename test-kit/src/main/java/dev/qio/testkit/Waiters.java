package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.function.Executable;

/**
 * The ways a thread can wait to read from a starved channel, and the check that {@code close} or
 * {@code shutdown} wakes each of them within {@link Kit#PROMPT}. A provider that wakes a blocked
 * {@code read} but forgets to signal its readiness leaves {@code await(IN)} parked; one that
 * wakes platform threads may still strand a virtual one; so the wake-up properties draw the waiter.
 */
final class Waiters {
    private Waiters() {}

    /** A thread waiting to read. Each returns what a read gives once it is woken. */
    enum Waiter {
        /** A blocking {@code read} on a platform thread. */
        READ,
        /** A blocking {@code read} on a virtual thread, which parks instead of holding its carrier. */
        READ_VIRTUAL,
        /** A blocking {@code readvAllEof} over two buffers: the {@code *All} loop, not a single read. */
        READV_ALL_EOF,
        /** {@code await(IN)} on a non-blocking channel, then a non-blocking read, until it gives more than ERR_BLOCK: the readiness path. */
        AWAIT_IN;

        /** Whether this waiter puts the channel in non-blocking mode. */
        boolean nonBlocking() {
            return this == AWAIT_IN;
        }

        /** The read result the waiter ends with: bytes, EOF or ERR_BLOCK. */
        Callable<Long> task(IoChannel ch) {
            return switch (this) {
                case READ, READ_VIRTUAL -> () -> (long) ch.read(ByteBuffer.allocate(16));
                case READV_ALL_EOF ->
                    () -> {
                        ByteBuffer[] iov = {ByteBuffer.allocate(7), ByteBuffer.allocate(9)};
                        return ch.readvAllEof(iov) ? CheckedIo.remaining(iov) : IoChannel.EOF;
                    };
                case AWAIT_IN ->
                    () -> {
                        long n;
                        do { // readiness is a hint: a wake-up may come before the read has anything to say
                            ch.await(IoCondition.IN);
                            n = ch.read(ByteBuffer.allocate(16));
                        } while (n == IoChannel.ERR_BLOCK);
                        return n;
                    };
            };
        }
    }

    /** Waiters a fixture can have: all of them, or the blocking ones for BLOCKING_ONLY fixtures. */
    static Gen<Waiter> waiters(ChannelFixture fixture) {
        return Kit.has(fixture, Capability.BLOCKING_ONLY)
                ? Gen.elements(Waiter.READ, Waiter.READ_VIRTUAL, Waiter.READV_ALL_EOF)
                : Gen.elements(Waiter.values());
    }

    /**
     * Starts {@code waiter} on the starved {@code ch} and returns it, once it is woken by
     * {@code waker}; see {@link #wake(Background, String, String, Executable)}.
     */
    static Background<Long> wake(IoChannel ch, Waiter waiter, String by, Executable waker) throws Throwable {
        ch.setBlocking(!waiter.nonBlocking());
        String name = "qio-kit-" + waiter.name().toLowerCase(java.util.Locale.ROOT);
        Background<Long> b = waiter == Waiter.READ_VIRTUAL
                ? Background.startVirtual(name, waiter.task(ch))
                : Background.start(name, waiter.task(ch));
        return wake(b, ch.name() + ": " + by, "a reader waiting in " + waiter, waker);
    }

    /**
     * Waits until {@code b} is blocked, runs {@code waker}, and returns {@code b} once it has
     * ended, with whatever it returned or threw.
     *
     * @param by who wakes, for the message ("mem://a: close")
     * @param waiting who waits, for the message ("a writer blocked in write")
     * @throws AssertionError if {@code b} is not woken within {@link Kit#PROMPT}
     */
    static <T> Background<T> wake(Background<T> b, String by, String waiting, Executable waker) throws Throwable {
        // Any native frame counts as blocked, not only java.nio's: a provider may wait in its own
        // system calls. A task that ends instead is judged by what it returned.
        Concurrently.awaitBlocked(b.thread());
        waker.execute();
        b.awaitEnd(Kit.PROMPT, by + " did not wake " + waiting);
        return b;
    }

    /** {@code close} from another thread wakes {@code waiter} with ClosedChannelException. */
    static void closeWakes(IoChannel ch, Waiter waiter) throws Throwable {
        Background<Long> b = wake(ch, waiter, "close", ch::close);
        assertInstanceOf(
                ClosedChannelException.class,
                b.failure(),
                ch.name() + ": a reader waiting in " + waiter
                        + " when another thread closes must get ClosedChannelException");
    }

    /** {@code shutdown(how)} from another thread wakes {@code waiter}, which reads EOF. */
    static void shutdownWakes(IoChannel ch, Waiter waiter, dev.qio.channel.Shutdown how) throws Throwable {
        Background<Long> b = wake(ch, waiter, "shutdown(" + how + ")", () -> ch.shutdown(how));
        assertEquals(
                IoChannel.EOF,
                b.result(),
                ch.name() + ": a reader waiting in " + waiter + " after shutdown(" + how + ")");
    }
}
