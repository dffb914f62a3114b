package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link AbstractIoChannel#await}: QEMU's {@code qio_channel_wait}, built on {@link Readiness}. */
@Timeout(60)
class AbstractIoChannelAwaitTest {
    private static final String NAME = "scripted://waiter";

    private static Background<Void> awaitInBackground(ScriptedChannel ch, IoCondition condition) {
        return Background.start("waiter", () -> {
            ch.await(condition);
            return null;
        });
    }

    @Test
    void returnsAtOnceWhenTheConditionHolds() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        ch.readiness.set(IoCondition.OUT);

        ch.await(IoCondition.OUT);

        assertEquals(List.of(), ch.readiness.interests(), "no subscription was needed");
    }

    @Test
    void returnsAtOnceWhenTheChannelReportsNval() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        ch.readiness.set(IoCondition.NVAL);

        ch.await(IoCondition.IN);

        assertEquals(List.of(), ch.readiness.interests());
    }

    @Test
    void parksUntilTheReadinessSignalsTheCondition() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        Background<Void> waiter = awaitInBackground(ch, IoCondition.IN);
        waiter.awaitParkedIn(Waiter.class);
        ch.readiness.signal(IoCondition.IN);

        assertNull(waiter.result());
        assertEquals(0, ch.readiness.subscribers(), "the waiter unsubscribed when it returned");
    }

    @Test
    void aParkedWaiterReturnsWhenTheChannelReportsNval() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        Background<Void> waiter = awaitInBackground(ch, IoCondition.OUT);
        waiter.awaitParkedIn(Waiter.class);
        ch.readiness.signal(IoCondition.NVAL);

        assertNull(waiter.result());
    }

    /**
     * HUP and ERR do not end a wait for another condition: a provider reports IN (or OUT) when the
     * read (or write) would not block, EOF and failures included (IoChannel.await, Readiness.poll).
     */
    @ParameterizedTest
    @EnumSource(
            value = IoCondition.class,
            names = {"HUP", "ERR"})
    void hupOrErrAloneDoesNotEndAWaitForOut(IoCondition hint) throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        ch.readiness.set(hint);

        Background<Void> waiter = awaitInBackground(ch, IoCondition.OUT);
        waiter.awaitParkedIn(Waiter.class); // fails if await returned at once
        ch.readiness.signal(hint, IoCondition.OUT);

        assertNull(waiter.result());
    }

    @Test
    void closeFromAnotherThreadWakesAParkedWaiterWithClosedChannelException() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        Background<Void> waiter = awaitInBackground(ch, IoCondition.IN);
        waiter.awaitParkedIn(Waiter.class);
        ch.close(); // the scripted implClose signals nothing: the base must wake the waiter

        Throwable t = waiter.failure();
        assertInstanceOf(ClosedChannelException.class, t);
        assertTrue(t.getMessage().contains(NAME), t.getMessage());
        assertEquals(0, ch.readiness.subscribers());
    }

    @Test
    void anInterruptedThreadGetsInterruptedIoExceptionAndKeepsItsInterruptStatus() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        Thread.currentThread().interrupt();
        try {
            InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> ch.await(IoCondition.IN));

            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status still set");
            assertTrue(e.getMessage().contains(NAME), e.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, ch.readiness.subscribers());
    }

    @Test
    void interruptingAParkedWaiterGivesInterruptedIoExceptionWithStatusSet() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        AtomicBoolean stillInterrupted = new AtomicBoolean();

        Background<Void> waiter = Background.start("waiter", () -> {
            try {
                ch.await(IoCondition.IN);
                return null;
            } finally {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.awaitParkedIn(Waiter.class);
        waiter.thread().interrupt();

        assertInstanceOf(InterruptedIOException.class, waiter.failure());
        assertTrue(stillInterrupted.get());
    }

    /**
     * 200 virtual threads park in {@code await} at once on a machine with few carriers. If parking
     * pinned the carrier, the third waiter could never run and this would hang until the timeout.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void waitersOnVirtualThreadsDoNotPinTheirCarriers() throws Exception {
        int n = 200;
        List<ScriptedChannel> channels = new ArrayList<>();
        List<Background<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScriptedChannel ch = new ScriptedChannel(NAME + "/" + i);
            channels.add(ch);
            waiters.add(Background.startVirtual("virtual-waiter-" + i, () -> {
                ch.await(IoCondition.IN);
                return null;
            }));
        }
        for (Background<Void> w : waiters) {
            w.awaitParkedIn(Waiter.class); // all 200 parked at the same time
        }

        for (ScriptedChannel ch : channels) {
            ch.readiness.signal(IoCondition.IN);
        }

        for (Background<Void> w : waiters) {
            assertNull(w.result());
        }
        for (ScriptedChannel ch : channels) {
            assertEquals(0, ch.readiness.subscribers());
        }
    }
}
