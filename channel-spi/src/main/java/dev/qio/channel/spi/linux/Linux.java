package dev.qio.channel.spi.linux;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the Linux-native backend can run in this JVM, and if not, why.
 *
 * <p>It needs Linux on x86_64 or aarch64, and native access for the module {@code
 * dev.qio.channel.spi} ({@code --enable-native-access=dev.qio.channel.spi} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path). Without native access it stays off
 * rather than let the JDK print its restricted-method warning; the {@code java.nio} providers serve
 * the same schemes then. The system property {@code qio.native=false} turns it off on purpose
 * (to run a program or a test suite on the fallback). The system property {@code qio.native.poller}
 * chooses where the poller dispatches events for waiting virtual threads: {@code virtual} (the
 * default: on virtual threads, as the JDK's own poller does on Linux) or {@code platform} (on
 * platform threads of its own). Two more tune a platform thread's blocking read:
 * {@code qio.native.kernelReads} ({@code true}, the default: it waits in {@code recv(2)};
 * {@code false}: through {@code poll(2)}) and {@code qio.native.readSpinMicros} (how long it polls
 * before it sleeps, 0 or more; default 50). A value any of them does not take keeps the backend
 * off, with the property and the value in the reason ({@code qio providers} shows it).
 */
public final class Linux {
    private Linux() {}

    /** The property that turns the native backend off when set to {@code false}. */
    public static final String PROPERTY = "qio.native";

    /** The property that chooses where the poller dispatches: {@code virtual} or {@code platform}. */
    public static final String POLLER_PROPERTY = "qio.native.poller";

    /** The property that, set to {@code false}, has blocking reads wait through {@code poll(2)}. */
    public static final String KERNEL_READS_PROPERTY = "qio.native.kernelReads";

    /** The property that sets how long a blocking read polls before it sleeps, in microseconds. */
    public static final String READ_SPIN_PROPERTY = "qio.native.readSpinMicros";

    private static final long DEFAULT_READ_SPIN_MICROS = 50;

    private static final String REASON = reason();

    /** Whether the native backend can be used. */
    public static boolean isAvailable() {
        return REASON == null;
    }

    /** Why the native backend cannot be used; empty when it can. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(REASON);
    }

    /**
     * Whether the platform thread {@code t} is waiting for a descriptor of this backend: in the
     * kernel ({@code poll(2)}, or {@code recv(2)} for a blocking read; it then shows as
     * {@code RUNNABLE}, with no native frame, because FFM downcalls leave none), or polling for data
     * before it sleeps there ({@link KernelRead}'s spin, which a close, a shutdown or an interrupt
     * ends as they end the sleep). For tests that must know a thread has blocked before they act;
     * a virtual thread waiting here is parked ({@code WAITING}) instead.
     */
    public static boolean isWaitingInKernel(Thread t) {
        if (t.getState() != Thread.State.RUNNABLE) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        // By name: loading PlatformWaker would start its cleaner thread in JVMs that never wait here.
        if (stack.length == 0) {
            return false;
        }
        String c = stack[0].getClassName();
        String m = stack[0].getMethodName();
        return c.equals("dev.qio.channel.spi.linux.PlatformWaker") && m.equals("pollKernel")
                || c.equals(KERNEL_READ) && m.equals("recvKernel")
                || spinning(stack);
    }

    private static final String KERNEL_READ = "dev.qio.channel.spi.linux.KernelRead";

    /** Whether {@code KernelRead.spin} is among the top frames (above it: the clock, the call). */
    private static boolean spinning(StackTraceElement[] stack) {
        for (int i = 0; i < Math.min(4, stack.length); i++) {
            if (stack[i].getClassName().equals(KERNEL_READ)
                    && stack[i].getMethodName().equals("spin")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the poller dispatches on virtual threads (see the class comment). */
    static boolean virtualPoller() {
        return pollerMode().equals("virtual");
    }

    private static String pollerMode() {
        return System.getProperty(POLLER_PROPERTY, "virtual");
    }

    /** Whether blocking reads may wait in {@code recv(2)} (see the class comment). */
    static boolean kernelReads() {
        return !System.getProperty(KERNEL_READS_PROPERTY, "true").equalsIgnoreCase("false");
    }

    /** How long a blocking read polls before it sleeps, in microseconds; the value was checked. */
    static long readSpinMicros() {
        String value = System.getProperty(READ_SPIN_PROPERTY);
        return value == null ? DEFAULT_READ_SPIN_MICROS : Long.parseLong(value.strip());
    }

    /** Why a tuning property's value is not taken; {@code null} when it is. */
    private static String badTuning() {
        String reads = System.getProperty(KERNEL_READS_PROPERTY, "true");
        if (!reads.equalsIgnoreCase("true") && !reads.equalsIgnoreCase("false")) {
            return "-D" + KERNEL_READS_PROPERTY + "=" + reads + " is neither true nor false";
        }
        String spin = System.getProperty(READ_SPIN_PROPERTY);
        if (spin != null) {
            String bad = "-D" + READ_SPIN_PROPERTY + "=" + spin + " is not a number of microseconds (0 or more)";
            try {
                long micros = Long.parseLong(spin.strip());
                if (micros < 0 || micros > Long.MAX_VALUE / 1000) {
                    return bad;
                }
            } catch (NumberFormatException e) {
                return bad;
            }
        }
        return null;
    }

    private static String reason() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux (" + os + ")";
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "architecture " + arch + " is not x86_64 or aarch64";
        }
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            return "turned off with -D" + PROPERTY + "=false";
        }
        String poller = pollerMode();
        if (!poller.equals("virtual") && !poller.equals("platform")) {
            return "-D" + POLLER_PROPERTY + "=" + poller + " is neither virtual nor platform";
        }
        String tuning = badTuning();
        if (tuning != null) {
            return tuning;
        }
        Module spi = Linux.class.getModule();
        if (!spi.isNativeAccessEnabled()) {
            return "native access is not enabled: run with --enable-native-access="
                    + (spi.isNamed() ? spi.getName() : "ALL-UNNAMED");
        }
        return null;
    }
}
