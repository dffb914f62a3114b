package dev.qio.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a benchmark method a row of the table {@code benchmarks/run} prints whose target is no
 * allocation at all: the table shows its time per operation and JMH's {@code gc.alloc.rate.norm}
 * (bytes allocated per operation), which must round to 0. Only methods of {@link HotPathAllocation}
 * are run with {@code -prof gc}, so that is where such methods go.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AllocationFree {
    /** Where the row sorts in the table, as {@link Compare#order()}. */
    int order();

    /** The row's label, with {@code {name}} placeholders as {@link Compare#path()}. */
    String path();
}
