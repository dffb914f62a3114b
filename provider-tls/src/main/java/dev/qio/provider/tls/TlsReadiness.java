package dev.qio.provider.tls;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.util.EnumSet;
import java.util.Set;

/**
 * A TLS channel's readiness: the inner channel's, amended. IN while input is buffered (QEMU's
 * pending-data source); OUT only once waiting ciphertext has gone, so that OUT means "a write
 * will take bytes"; and while the handshake runs, IN and OUT both mean "the handshake can move".
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

    TlsReadiness(Readiness inner, SignalledReadiness own, Handshake handshake, Inbound inbound, Outbound outbound) {
        this.inner = inner;
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
            mask = (mask & ~IN_OUT) | (canMove ? IN_OUT : 0);
        } else {
            if (inbound.buffered()) {
                mask |= ConditionMask.IN;
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
