package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Small helpers shared by this module's tests: connected pairs, text buffers, blocked threads, descriptors. */
final class TestSupport {
    private TestSupport() {}

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes between 0 and the position of {@code b}, as ASCII. */
    static String written(ByteBuffer b) {
        ByteBuffer d = b.duplicate().flip();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Reads exactly {@code n} bytes (blocking) and returns them as ASCII. */
    static String readAscii(IoChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        ch.readAll(b);
        return written(b);
    }

    /** One temp directory per test JVM, removed with everything in it when the JVM exits. */
    private static final Path SOCKETS = socketRoot();

    private static Path socketRoot() {
        try {
            Path root = Files.createTempDirectory("qio-sock-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var walk = Files.walk(root)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException | UncheckedIOException ignored) {
                    // best effort at exit
                }
            }));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh {@code unix:///PATH} in its own directory; the socket file does not exist yet. */
    static Path freshSocketPath() {
        try {
            return Files.createTempDirectory(SOCKETS, "d").resolve("s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String unixUri(Path p) {
        return "unix://" + p;
    }

    /** The server end's URI to listen on, per transport, for parameterised tests. */
    static String listenUri(String transport) {
        return switch (transport) {
            case "tcp4" -> "tcp://127.0.0.1:0";
            case "tcp6" -> {
                Assumptions.assumeTrue(SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1): tcp6 skipped");
                yield "tcp://[::1]:0";
            }
            case "unix" -> unixUri(freshSocketPath());
            default -> throw new IllegalArgumentException(transport);
        };
    }

    /** A listener, a client connected to it and the accepted server end; closes all three. */
    record Connected(IoListener listener, IoChannel client, IoChannel server) implements AutoCloseable {
        static Connected over(String transport) throws IOException {
            IoListener listener = IoChannels.listen(listenUri(transport));
            try {
                IoChannel client = IoChannels.open(listener.localUri());
                try {
                    return new Connected(listener, client, listener.accept());
                } catch (IOException | RuntimeException e) {
                    client.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try (listener; client; server) {
                // try-with-resources closes all three and keeps later failures as suppressed
            }
        }
    }

    /** This process's open descriptors ({@code /proc/self/fd}). */
    static List<Path> openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.toList();
        }
    }

    /** The soft limit on open descriptors, from {@code /proc/self/limits}; {@code Long.MAX_VALUE} if unlimited or unknown. */
    static long descriptorLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    /** Whether {@code t} is parked, or waits in a native call of java.nio (a system call such as epoll_wait). */
    static boolean isBlocked(Thread t) {
        Thread.State s = t.getState();
        if (s == Thread.State.WAITING) {
            return true;
        }
        if (s != Thread.State.RUNNABLE) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod() && stack[0].getClassName().startsWith("sun.nio.ch.");
    }

    /** Whether {@code t}'s stack has a frame of {@code className}. */
    static boolean hasFrameOf(Thread t, String className) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A task on its own platform thread, so a test can wait until it is blocked in a given place
     * and then act on it (close, shutdown, a peer's reset) knowing the wake-up is what is tested.
     */
    static final class Background<T> {
        private final FutureTask<T> task;
        private final Thread thread;

        private Background(String name, Callable<T> body) {
            task = new FutureTask<>(body);
            thread = Thread.ofPlatform().name(name).daemon(true).start(task);
        }

        static <T> Background<T> start(String name, Callable<T> body) {
            return new Background<>(name, body);
        }

        /**
         * Returns once the thread is blocked with a frame of {@code className} on its stack: the
         * event "it is blocked there". Blocked is parked (WAITING), or, for a platform thread that
         * waits for a socket in the kernel (SelectorReadiness' direct wait, in epoll_wait), RUNNABLE
         * in a native method of java.nio, as the JDK's own blocking reads are. Spins without
         * sleeping; the test's timeout bounds it.
         */
        void awaitParkedIn(String className) {
            while (true) {
                if (task.isDone()) {
                    fail(thread.getName() + " finished instead of blocking in " + className + ": " + outcome());
                }
                if (isBlocked(thread) && hasFrameOf(thread, className)) {
                    return;
                }
                Thread.onSpinWait();
            }
        }

        /** The task's result; rethrows what it threw. */
        T result() throws Exception {
            try {
                return task.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }

        /** Waits until the thread has ended (after {@link #result()}: a moment). */
        void join() throws InterruptedException {
            thread.join();
        }

        /** What the task threw; fails the test if it returned normally. */
        Throwable failure() throws Exception {
            try {
                T value = task.get(30, TimeUnit.SECONDS);
                return fail(thread.getName() + " should have failed but returned " + value);
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }

        private String outcome() {
            try {
                return "returned " + task.get();
            } catch (ExecutionException e) {
                return "threw " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }
}
