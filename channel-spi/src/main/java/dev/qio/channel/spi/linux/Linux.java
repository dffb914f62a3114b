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
 * (to run a program or a test suite on the fallback).
 */
public final class Linux {
    private Linux() {}

    /** The property that turns the native backend off when set to {@code false}. */
    public static final String PROPERTY = "qio.native";

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
     * Whether the platform thread {@code t} is waiting in the kernel for a descriptor of this
     * backend ({@code poll(2)}, or {@code recv(2)} for a blocking read; it then shows as
     * {@code RUNNABLE}, with no native frame, because
     * FFM downcalls leave none). For tests that must know a thread has blocked before they act;
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
                || c.equals("dev.qio.channel.spi.linux.KernelRead") && m.equals("recvKernel");
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
        Module spi = Linux.class.getModule();
        if (!spi.isNativeAccessEnabled()) {
            return "native access is not enabled: run with --enable-native-access="
                    + (spi.isNamed() ? spi.getName() : "ALL-UNNAMED");
        }
        return null;
    }
}
