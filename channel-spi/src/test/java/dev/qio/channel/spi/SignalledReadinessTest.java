package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoCondition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SignalledReadiness} and {@link SignalledReadiness#always}. */
class SignalledReadinessTest {

    @Test
    void pollReportsWhatTheSupplierComputesNow() {
        Set<IoCondition> state = EnumSet.noneOf(IoCondition.class);
        SignalledReadiness r = new SignalledReadiness(() -> Set.copyOf(state));

        assertEquals(Set.of(), r.poll());
        state.add(IoCondition.IN);
        assertEquals(Set.of(IoCondition.IN), r.poll());
    }

    @Test
    void signalCallsEveryCurrentListener() {
        SignalledReadiness r = new SignalledReadiness(Set::of);
        List<String> calls = new ArrayList<>();
        r.subscribe(Set.of(IoCondition.IN), () -> calls.add("a"));
        r.subscribe(Set.of(IoCondition.OUT), () -> calls.add("b"));

        r.signal();
        r.signal();

        assertEquals(List.of("a", "b", "a", "b"), calls);
    }

    @Test
    void unsubscribedListenerIsNoLongerCalled() {
        SignalledReadiness r = new SignalledReadiness(Set::of);
        List<String> calls = new ArrayList<>();
        Readiness.Registration a = r.subscribe(Set.of(IoCondition.IN), () -> calls.add("a"));
        r.subscribe(Set.of(IoCondition.IN), () -> calls.add("b"));

        a.close();
        r.signal();

        assertEquals(List.of("b"), calls);
    }

    /**
     * Regression: {@code Readiness.Registration} is documented as idempotent, but
     * SignalledReadiness's registration is {@code () -> remove(listener)}, which removes the first
     * entry equal to the listener on every call. Closing it a second time therefore removes
     * another subscription of the same listener object, which then misses every later signal.
     */
    @Test
    void closingARegistrationTwiceRemovesOnlyThatListener() {
        SignalledReadiness r = new SignalledReadiness(Set::of);
        List<String> calls = new ArrayList<>();
        Runnable same = () -> calls.add("x");
        Readiness.Registration first = r.subscribe(Set.of(IoCondition.IN), same);
        r.subscribe(Set.of(IoCondition.IN), same);

        first.close();
        first.close();
        r.signal();

        assertEquals(List.of("x"), calls, "the second subscription of the same listener stays");
    }

    @Test
    void signalWithNoListenersDoesNothing() {
        assertDoesNotThrow(() -> new SignalledReadiness(Set::of).signal());
    }

    @Test
    void subscribeRefusesANullListener() {
        SignalledReadiness r = new SignalledReadiness(Set::of);

        assertThrows(NullPointerException.class, () -> r.subscribe(Set.of(IoCondition.IN), null));
    }

    @Test
    void alwaysPollsTheGivenSet() {
        Readiness r = SignalledReadiness.always(Set.of(IoCondition.IN, IoCondition.OUT));

        assertEquals(Set.of(IoCondition.IN, IoCondition.OUT), r.poll());
        r.subscribe(Set.of(IoCondition.IN), () -> {}).close();
        assertEquals(Set.of(IoCondition.IN, IoCondition.OUT), r.poll());
    }

    @Test
    void alwaysKeepsACopyOfTheSet() {
        Set<IoCondition> given = EnumSet.of(IoCondition.OUT);
        Readiness r = SignalledReadiness.always(given);

        given.add(IoCondition.IN);

        assertEquals(Set.of(IoCondition.OUT), r.poll());
    }
}
