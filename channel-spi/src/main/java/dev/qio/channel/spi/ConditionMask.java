package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@link IoCondition} sets as bit masks, for {@link Readiness#poll()} implementations that run on
 * every wake-up: build a mask from the transport's state and return {@link #set(int)}, a shared
 * unmodifiable set, so polling allocates nothing.
 */
public final class ConditionMask {
    private ConditionMask() {}

    /** Bit of {@link IoCondition#IN}. */
    public static final int IN = 1 << IoCondition.IN.ordinal();
    /** Bit of {@link IoCondition#OUT}. */
    public static final int OUT = 1 << IoCondition.OUT.ordinal();
    /** Bit of {@link IoCondition#PRI}. */
    public static final int PRI = 1 << IoCondition.PRI.ordinal();
    /** Bit of {@link IoCondition#ERR}. */
    public static final int ERR = 1 << IoCondition.ERR.ordinal();
    /** Bit of {@link IoCondition#HUP}. */
    public static final int HUP = 1 << IoCondition.HUP.ordinal();
    /** Bit of {@link IoCondition#NVAL}. */
    public static final int NVAL = 1 << IoCondition.NVAL.ordinal();

    private static final List<Set<IoCondition>> SETS = table();

    /** The unmodifiable set of the conditions whose bits are in {@code mask}. */
    public static Set<IoCondition> set(int mask) {
        return SETS.get(mask & (SETS.size() - 1));
    }

    private static List<Set<IoCondition>> table() {
        IoCondition[] all = IoCondition.values();
        List<Set<IoCondition>> sets = new ArrayList<>(1 << all.length);
        for (int mask = 0; mask < 1 << all.length; mask++) {
            EnumSet<IoCondition> s = EnumSet.noneOf(IoCondition.class);
            for (IoCondition c : all) {
                if ((mask & (1 << c.ordinal())) != 0) {
                    s.add(c);
                }
            }
            sets.add(Collections.unmodifiableSet(s));
        }
        return List.copyOf(sets);
    }
}
