package dev.qio.provider.tls;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A TLS channel's readiness: the inner channel's, amended. IN while input is buffered (QEMU's
 * pending-data source), and for the inner channel's IN only once the bytes there decrypt to data,
 * close_notify, an end of stream or a failure (the poll reads ahead, see {@link Inbound#readAhead}),
 * so that a read after IN does not return ERR_BLOCK for a session ticket or half a record; OUT
 * only once waiting ciphertext has gone, so that OUT means "a write will take bytes". While the
 * handshake runs, a poll moves it on itself as far as the inner channel allows (unless another
 * thread is moving it), so IN and OUT keep those meanings from the first byte; they both hold
 * when the handshake has failed (the next read or write throws) or another thread holds it.
 * The parts signal {@code own} when one of those amendments changes while the inner channel is
 * quiet.
 */
final class TlsReadiness implements Readiness {
    private static final int IN_OUT = ConditionMask.IN | ConditionMask.OUT;
    private static final IoCondition[] CONDITIONS = IoCondition.values();

    private final Readiness inner;
    private final SignalledReadiness own;
    private final Handshake handshake;
    private final Inbound inbound;
    private final Outbound outbound;
    /** Runs {@link Inbound#readAhead} under the channel's read lock; false if it could not (a reader holds it). */
    private final BooleanSupplier readAhead;

    TlsReadiness(
            Readiness inner,
            SignalledReadiness own,
            Handshake handshake,
            Inbound inbound,
            Outbound outbound,
            BooleanSupplier readAhead) {
        this.inner = inner;
        this.readAhead = readAhead;
        this.own = own;
        this.handshake = handshake;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    @Override
    public Set<IoCondition> poll() {
        Set<IoCondition> now = inner.poll();
        int mask = 0;
        for (IoCondition c : CONDITIONS) {
            if (now.contains(c)) {
                mask |= 1 << c.ordinal();
            }
        }
        if (!handshake.done()) {
            IoCondition wants = handshake.wants();
            boolean canMove = wants == null || handshake.failed() || now.contains(wants);
            if (!canMove || handshake.failed() || !handshake.advanceFromPoll()) {
                // waiting, failed (the next read or write throws), or moved by another thread
                return ConditionMask.set((mask & ~IN_OUT) | (canMove ? IN_OUT : 0));
            }
            if (!handshake.done()) {
                return ConditionMask.set(mask & ~IN_OUT); // moved as far as it can: waits for the inner channel
            }
            return poll(); // the handshake ended in this poll: what holds now follows the data rules
        } else {
            boolean maybe = (mask & ConditionMask.IN) != 0 || inbound.buffered();
            if (inbound.ready()) {
                mask |= ConditionMask.IN;
            } else if (maybe && readAhead.getAsBoolean()) {
                // ciphertext without data clears IN; the inner watch waits for more
                mask = inbound.aheadSaysIn() ? mask | ConditionMask.IN : mask & ~ConditionMask.IN;
            } else if (maybe) {
                mask |= ConditionMask.IN; // a reader holds the lock and is about to take what is there
            }
            if (outbound.pending() && (mask & ConditionMask.OUT) != 0 && !outbound.flushFromPoll()) {
                mask &= ~ConditionMask.OUT;
            }
        }
        return ConditionMask.set(mask);
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        EnumSet<IoCondition> both = EnumSet.copyOf(interest);
        both.add(IoCondition.IN);
        both.add(IoCondition.OUT); // a handshake can need either, whatever the caller waits for
        Registration fromInner = inner.subscribe(both, listener);
        Registration fromUs = own.subscribe(interest, listener);
        return () -> {
            fromInner.close();
            fromUs.close();
        };
    }
}
