package dev.qio.channel.spi.linux;

import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The readiness of a channel made of a descriptor to read and one to write (a child's stdout and
 * stdin, or one FIFO for both): {@code IN}, {@code HUP} and {@code ERR} from the read side,
 * {@code OUT} and {@code ERR} from the write side, each waited for on its own {@link PolledFd}
 * through the shared poller. A direction the channel does not carry, or has shut down, holds for
 * good, because its operation no longer waits: {@code IN} and {@code HUP} without a read side
 * (reads return EOF, or fail at once), {@code IN} once reads are shut down (they return EOF),
 * {@code OUT} and {@code ERR} without a write side or once writes are shut down (they fail at once).
 */
public final class PipeReadiness implements Readiness {
    private final PolledFd stdout;
    private final PolledFd stdin;
    private final BooleanSupplier readShut;
    private final BooleanSupplier writeShut;

    /**
     * @param stdout the descriptor reads come from, or {@code null} if the channel does not read
     * @param stdin the descriptor writes go to (may be {@code stdout}), or {@code null}
     * @param readShut whether reads have been shut down
     * @param writeShut whether writes have been shut down
     */
    public PipeReadiness(PolledFd stdout, PolledFd stdin, BooleanSupplier readShut, BooleanSupplier writeShut) {
        this.stdout = stdout;
        this.stdin = stdin;
        this.readShut = readShut;
        this.writeShut = writeShut;
    }

    private boolean readsSettled() {
        return stdout == null || readShut.getAsBoolean();
    }

    private boolean writesFail() {
        return stdin == null || writeShut.getAsBoolean();
    }

    @Override
    public Set<IoCondition> poll() {
        int mask = 0;
        if (stdout == null) {
            mask |= ConditionMask.IN | ConditionMask.HUP;
        } else if (readShut.getAsBoolean()) {
            mask |= ConditionMask.IN;
        } else {
            Set<IoCondition> in = stdout.poll();
            mask |= in.contains(IoCondition.IN) ? ConditionMask.IN : 0;
            mask |= in.contains(IoCondition.HUP) ? ConditionMask.HUP : 0;
            mask |= in.contains(IoCondition.ERR) ? ConditionMask.ERR : 0;
        }
        if (writesFail()) {
            mask |= ConditionMask.OUT | ConditionMask.ERR;
        } else {
            Set<IoCondition> out = stdin.poll();
            mask |= out.contains(IoCondition.OUT) ? ConditionMask.OUT : 0;
            mask |= out.contains(IoCondition.ERR) ? ConditionMask.OUT | ConditionMask.ERR : 0;
        }
        return ConditionMask.set(mask);
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        boolean reads = interest.contains(IoCondition.IN)
                || interest.contains(IoCondition.HUP)
                || interest.contains(IoCondition.ERR);
        boolean writes = interest.contains(IoCondition.OUT) || interest.contains(IoCondition.ERR);
        Registration in = reads && stdout != null ? stdout.subscribe(Set.of(IoCondition.IN), listener) : null;
        Registration out = writes && stdin != null ? stdin.subscribe(Set.of(IoCondition.OUT), listener) : null;
        // IN stays known while unread bytes wait, so nothing re-arms IN and a later hang-up would go
        // unseen. A read-only descriptor is never writable: armed for OUT, epoll reports only its hang-up.
        boolean hangUp = interest.contains(IoCondition.HUP) && stdout != null && stdout != stdin;
        Registration hup = hangUp ? stdout.subscribe(Set.of(IoCondition.OUT), listener) : null;
        return () -> {
            for (Registration r : new Registration[] {in, out, hup}) {
                if (r != null) {
                    r.close();
                }
            }
        };
    }

    @Override
    public boolean awaitDirectly(IoCondition condition, BooleanSupplier open, String name) throws IOException {
        return switch (condition) {
            case IN -> readsSettled() || stdout.awaitDirectly(IoCondition.IN, open, name);
            case OUT -> writesFail() || stdin.awaitDirectly(IoCondition.OUT, open, name);
            default -> false;
        };
    }
}
