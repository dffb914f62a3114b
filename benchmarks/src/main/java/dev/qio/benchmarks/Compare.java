package dev.qio.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a qio benchmark method a row of the table {@code benchmarks/run} prints (see
 * {@link Report}): its score against the score of {@link #baseline()}, another {@code @Benchmark}
 * method of the same class measured in the same run with the same parameters ({@link Pairs} runs
 * the two right after each other). The row appears once per parameter combination that ran.
 *
 * <p>Both methods must do the same work per operation; when {@link #bytesPerOp()} names a JMH
 * parameter, the table shows MB/s (operations per second times that many bytes), otherwise
 * operations per second. The ratio is qio / baseline either way.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Compare.List.class)
public @interface Compare {
    /** Where the row sorts in the table; rows with equal order keep JMH's order. */
    int order();

    /**
     * The row's label. {@code {name}} is replaced by the value of JMH parameter {@code name}; a
     * value that is a whole number of KiB or MiB is shown as such ({@code 65536} is "64 KiB").
     */
    String path();

    /** The name of the baseline {@code @Benchmark} method in the same class. */
    String baseline();

    /** What the baseline is, for the table; {@code {name}} placeholders as in {@link #path()}. */
    String baselineLabel();

    /** The least ratio (qio / baseline) that meets the target; {@code NaN}: reported, no target. */
    double target() default Double.NaN;

    /** The JMH parameter holding the bytes one operation moves (the row is in MB/s), or "" (ops/s). */
    String bytesPerOp() default "";

    /** The container of repeated {@link Compare}s: one method against several baselines. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        /** The rows. */
        Compare[] value();
    }
}
