package dev.qio.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU time, every thread's and the kernel's work on their behalf: what the rows
 * that report a cost (CPU per round trip, CPU per byte) and the load record divide.
 */
final class ProcessCpu {
    private ProcessCpu() {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU time used so far, in nanoseconds. */
    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
