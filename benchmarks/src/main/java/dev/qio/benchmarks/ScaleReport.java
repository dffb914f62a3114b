package dev.qio.benchmarks;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures qio with many idle connections: N {@code mem://} and N {@code tcp://} loopback
 * connections, each served by a virtual thread of its own that blocks in {@code readv} (or in
 * {@code await(IN)} and then reads). Not a JMH benchmark: it builds one steady state per row and
 * measures it once, printing a Markdown table.
 *
 * <p>Per row: the heap (after a full GC), the memory outside the heap (the resident set, with the
 * heap touched in full at start: run with {@code -XX:+AlwaysPreTouch}) and the descriptors each idle
 * connection costs, counting both of its ends, its parked virtual thread and that thread's 1-byte
 * buffer; the platform threads alive while they all wait (carriers and pollers: none per
 * connection); the time from sending one byte to every connection, one after another from one
 * thread, until every virtual thread has read its byte and answered with one, in total and per
 * connection, with the spread of each message's own latency. Then everything is closed and the
 * descriptors, platform threads (by name) and heap are compared with before the row: a leak shows
 * there.
 *
 * <p>TCP needs two descriptors per connection; when the soft limit ({@code ulimit -n}) cannot hold
 * 2N of them, the TCP rows use as many connections as fit and say so.
 *
 * <p>A last row measures the same for Netty's epoll transport ({@link NettyIdle}: the idle
 * connections registered with an event loop, no thread each), and the report gives qio's heap per
 * idle TCP connection as a multiple of Netty's, against a target of at most {@value #HEAP_TARGET}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.qio.benchmarks.ScaleReport [CONNECTIONS]} (default 10,000).
 */
public final class ScaleReport {
    /** Descriptors kept free for the JVM, the listener and the poller. */
    private static final int FD_RESERVE = 256;

    private static final Duration SETTLE = Duration.ofMinutes(2);
    /** The most heap per idle connection qio may take, as a multiple of Netty epoll's (issue 19). */
    private static final double HEAP_TARGET = 1.5;

    private ScaleReport() {}

    /** What one row measured. */
    record Row(
            String transport,
            String waitsIn,
            int connections,
            Snapshot before,
            Snapshot idle,
            Snapshot after,
            long serveNanos,
            long[] latencies,
            long firstPassHeap)
            implements Serializable {
        /** Heap per idle connection: idle minus before, per connection. */
        long heapPerConnection() {
            return (idle.heap() - before.heap()) / Math.max(1, connections);
        }

        /** This row, with the heap per idle connection its first pass measured. */
        Row afterFirstPass(Row first) {
            return new Row(
                    transport,
                    waitsIn,
                    connections,
                    before,
                    idle,
                    after,
                    serveNanos,
                    latencies,
                    first.heapPerConnection());
        }
    }

    /** Process-wide counters at one moment, after a full GC; {@code threads} are the platform threads' names. */
    record Snapshot(long heap, long rss, long fds, List<String> threads) implements Serializable {
        int platformThreads() {
            return threads.size();
        }
    }

    /**
     * Runs every row and prints the table. Each group of rows ({@code mem://}, {@code tcp://},
     * Netty) runs in a JVM of its own, started with this one's options: loading another
     * transport's classes throws away compiled code of the shared read path, and the threads of a
     * row that parks while the JIT recompiles it keep C1 frames, a stack up to 2 KB larger than in
     * C2's, so a row measured after another swung by that much from run to run.
     *
     * <p>{@code ScaleReport --group GROUP CONNECTIONS FILE} runs one group in this JVM and writes
     * its rows to {@code FILE}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--group")) {
            List<Row> rows = runGroup(args[1], Integer.parseInt(args[2]));
            try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(Path.of(args[3])))) {
                out.writeObject(new ArrayList<>(rows));
            }
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<Row> rows = new ArrayList<>();
        for (String group : List.of("mem", "tcp", "netty")) {
            rows.addAll(inChildJvm(group, n));
        }
        print(rows, n, tcpConnections(n), unixOs().getMaxFileDescriptorCount());
    }

    /** The connections a {@code tcp://} row can hold: two descriptors each, under the soft limit. */
    private static int tcpConnections(int n) {
        UnixOperatingSystemMXBean os = unixOs();
        long fdFree = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - FD_RESERVE;
        return (int) Math.max(0, Math.min(n, fdFree / 2));
    }

    /**
     * Runs one group's rows, each twice, reporting the second: the first opens, parks, serves and
     * closes as many connections as the row (JMH's warm-up iteration), so the code the row's
     * threads park in has seen what only many connections do: each new connection's first read
     * (state made on first use), descriptor numbers past the warm-up's. Without it C2 compiles
     * those branches as traps, every new connection of the row deoptimises the read path, and its
     * threads park in interpreted frames.
     */
    private static List<Row> runGroup(String group, int n) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String wait : List.of("readv", "await")) {
            String transport = group.equals("mem") ? "mem://" : "tcp://";
            int connections = group.equals("mem") ? n : tcpConnections(n);
            if (!group.equals("netty")) {
                Row first = measure(transport, wait, connections);
                rows.add(measure(transport, wait, connections).afterFirstPass(first));
            }
        }
        if (group.equals("netty")) {
            rows.add(NettyIdle.measure(tcpConnections(n)));
        }
        return rows;
    }

    /** Runs {@code group} in a new JVM with this one's options and class path, its output and errors passed through. */
    @SuppressWarnings("unchecked")
    private static List<Row> inChildJvm(String group, int n) throws Exception {
        Path file = Files.createTempFile("qio-scale-" + group, ".rows");
        try {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElseThrow());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    ScaleReport.class.getName(),
                    "--group",
                    group,
                    Integer.toString(n),
                    file.toString()));
            Process p = new ProcessBuilder(command).inheritIO().start();
            int status = p.waitFor();
            if (status != 0) {
                throw new IllegalStateException(
                        "the " + group + " rows failed in their JVM (exit status " + status + ")");
            }
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
                return (List<Row>) in.readObject();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Round trips through a parked reader before a row, so the threads of the row park in compiled code. */
    private static final int WARM_UP = 20_000;
    /** Further round trips per round, the rounds in a row that must end with the JIT idle, and the most rounds. */
    private static final int WARM_UP_ROUND = 5_000;

    private static final int WARM_UP_QUIET = 3;
    private static final int WARM_UP_ROUNDS = 40;

    /**
     * Makes the path a row's threads park in hot: one connection whose virtual reader parks
     * ({@code readv} or {@code await}), is then sent a byte and answers it, {@link #WARM_UP} times, then
     * {@link #WARM_UP_ROUND} more at a time until {@link #WARM_UP_QUIET} rounds in a row end with
     * the JIT's compile queues empty. A thread that parks in C1-compiled frames keeps a stack 1 to
     * 1.5 KB larger than one that parks in C2's, and a server that has run for a while parks in
     * C2's. The rounds matter after a row has run another transport: loading its classes throws
     * away compiled code of the shared path, and while the queues are long the JIT recompiles it at
     * a lower tier and promotes it only on later calls. The reader is sent its byte only once it
     * has parked: a reader that finds its byte at once never takes the waiting branch, C2 then
     * compiles that branch as a trap, and the row's threads, which all wait, would deoptimise and
     * park in interpreted frames, 1.5 to 2 KB more stack each.
     */
    private static void warmUp(String transport, boolean useAwait) throws Exception {
        try (IoListener listener = IoChannels.listen(
                        transport.equals("mem://")
                                ? "mem://scale-warm-" + ProcessHandle.current().pid() + "-" + useAwait
                                : "tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(listener.localUri());
                IoChannel server = listener.accept()) {
            ByteBuffer ping = ByteBuffer.allocate(1);
            long[] servedAt = new long[1];
            int quiet = 0;
            for (int round = 0; round < WARM_UP_ROUNDS && quiet < WARM_UP_QUIET; round++) {
                for (int i = 0, trips = round == 0 ? WARM_UP : WARM_UP_ROUND; i < trips; i++) {
                    CountDownLatch served = new CountDownLatch(1);
                    Thread t = Thread.ofVirtual().start(() -> serve(server, useAwait, servedAt, 0, served));
                    while (t.getState() != Thread.State.WAITING) {
                        Thread.onSpinWait(); // the reader must park, as the row's readers will
                    }
                    client.writeAll(ping.clear());
                    client.readAll(ping.clear());
                    t.join();
                }
                quiet = compiling() ? 0 : quiet + 1;
            }
        }
    }

    /** Whether the JIT has methods queued for compilation (the {@code Compiler.queue} diagnostic command). */
    private static boolean compiling() throws Exception {
        String queues = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "compilerQueue",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        int listed = 0;
        int empty = 0;
        for (String line : queues.split("\n")) {
            listed += line.contains("compile queue") ? 1 : 0;
            empty += line.strip().equals("Empty") ? 1 : 0;
        }
        return empty < listed;
    }

    private static Row measure(String transport, String wait, int n) throws Exception {
        warmUp(transport, wait.equals("await"));
        HeapHistogram histogramBefore = HeapHistogram.wanted() ? HeapHistogram.take() : null;
        Snapshot before = snapshot();
        IoChannel[] clients = new IoChannel[n];
        IoChannel[] servers = new IoChannel[n];
        Thread[] threads = new Thread[n];
        long[] sentAt = new long[n];
        long[] servedAt = new long[n];
        CountDownLatch served = new CountDownLatch(n);
        boolean useAwait = wait.equals("await");
        try (IoListener listener = IoChannels.listen(
                transport.equals("mem://")
                        ? "mem://scale-" + ProcessHandle.current().pid() + "-" + wait
                        : "tcp://127.0.0.1:0")) {
            for (int i = 0; i < n; i++) {
                clients[i] = IoChannels.open(listener.localUri());
                servers[i] = listener.accept();
            }
        }
        for (int i = 0; i < n; i++) {
            IoChannel server = servers[i];
            int me = i;
            threads[i] = Thread.ofVirtual().start(() -> serve(server, useAwait, servedAt, me, served));
        }
        awaitParked(threads);
        Snapshot idle = snapshot();
        if (histogramBefore != null) {
            System.err.printf(
                    "%s %s: heap per idle connection by class (the 12 that grew most)%n%s",
                    transport, wait, HeapHistogram.take().growthSince(histogramBefore, n, 12));
        }

        ByteBuffer ping = ByteBuffer.allocate(1);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sentAt[i] = System.nanoTime();
            clients[i].writeAll(ping.clear());
        }
        if (!served.await(SETTLE.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    transport + " " + wait + ": " + served.getCount() + " connections not served");
        }
        long serveNanos = System.nanoTime() - start;

        for (int i = 0; i < n; i++) {
            clients[i].close();
            servers[i].close();
        }
        for (Thread t : threads) {
            t.join();
        }
        long[] latencies = new long[n];
        for (int i = 0; i < n; i++) {
            latencies[i] = servedAt[i] - sentAt[i];
        }
        Arrays.sort(latencies);
        Arrays.fill(clients, null); // the after-snapshot must not count what this row held
        Arrays.fill(servers, null);
        Arrays.fill(threads, null);
        Thread.sleep(200); // the poller releases closed sockets at its next select
        Snapshot after = snapshot();
        return new Row(transport, wait, n, before, idle, after, serveNanos, latencies, -1);
    }

    /** One connection's virtual thread: wait for the message, read it, answer with one byte. */
    private static void serve(IoChannel server, boolean useAwait, long[] servedAt, int me, CountDownLatch served) {
        try {
            ByteBuffer[] iov = {ByteBuffer.allocate(1)};
            if (useAwait) {
                server.await(IoCondition.IN);
            }
            if (server.readv(iov) != 1) {
                throw new IOException(server.name() + ": no message");
            }
            servedAt[me] = System.nanoTime();
            server.writeAll(iov[0].flip());
            served.countDown();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until every thread is parked (a virtual thread blocked in a read reports WAITING). */
    private static void awaitParked(Thread[] threads) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(t + " did not park: " + t.getState());
                }
                Thread.sleep(1);
            }
        }
    }

    static Snapshot snapshot() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        List<String> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) { // platform threads only
            threads.add(t.getName());
        }
        return new Snapshot(heap, rss(), unixOs().getOpenFileDescriptorCount(), threads);
    }

    /** The resident set size from /proc/self/status, in bytes; -1 where there is none. */
    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static UnixOperatingSystemMXBean unixOs() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return unix;
        }
        throw new UnsupportedOperationException("ScaleReport counts descriptors, which needs a Unix-like OS");
    }

    private static void print(List<Row> rows, int asked, int tcp, long fdLimit) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%,d connections per row, each served by its own virtual thread; "
                        + "descriptor limit %,d; %d CPUs; max heap %,d MiB%n",
                asked,
                fdLimit,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20));
        if (tcp < asked) {
            b.append(String.format(
                    Locale.ROOT,
                    "tcp:// rows: %,d connections, not %,d: each needs two descriptors and the "
                            + "limit (ulimit -n %,d) holds no more; raise the hard limit to run all of them%n",
                    tcp,
                    asked,
                    fdLimit));
        }
        b.append('\n');
        b.append(
                "| transport | waits in | connections | heap / idle conn | first pass | native / idle conn | fds / idle conn | platform threads while idle | serve all | per conn | latency p50 / p99 / max | after close: fds, threads, heap |\n");
        b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Row r : rows) {
            int n = Math.max(1, r.connections());
            long[] l = r.latencies();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,d | %,d B | %s | %,d B | %.2f | %d | %s | %s | %s / %s / %s | %+d fds, %+d threads, %+,d KiB heap |%n",
                    r.transport(),
                    r.waitsIn(),
                    r.connections(),
                    r.heapPerConnection(),
                    r.firstPassHeap() < 0 ? "—" : String.format(Locale.ROOT, "%,d B", r.firstPassHeap()),
                    (r.idle().rss() - r.before().rss()) / n,
                    (double) (r.idle().fds() - r.before().fds()) / n,
                    r.idle().platformThreads(),
                    r.serveNanos() < 0 ? "—" : String.format(Locale.ROOT, "%,.0f ms", r.serveNanos() / 1e6),
                    r.serveNanos() < 0 ? "—" : String.format(Locale.ROOT, "%.2f µs", r.serveNanos() / 1e3 / n),
                    millis(l, 0.50),
                    millis(l, 0.99),
                    millis(l, 1.0),
                    r.after().fds() - r.before().fds(),
                    r.after().platformThreads() - r.before().platformThreads(),
                    (r.after().heap() - r.before().heap()) >> 10));
        }
        Row netty = rows.stream()
                .filter(r -> r.waitsIn().equals("event loop"))
                .findFirst()
                .orElse(null);
        if (netty != null && netty.connections() > 0) {
            double nettyHeap = (double) (netty.idle().heap() - netty.before().heap()) / netty.connections();
            b.append(String.format(
                    Locale.ROOT,
                    "%nHeap per idle connection against Netty epoll's (%,.0f B), target ≤ %.1f×:%n",
                    nettyHeap,
                    HEAP_TARGET));
            for (Row r : rows) {
                if (r != netty && r.transport().equals("tcp://")) {
                    double ratio = (double) r.heapPerConnection() / nettyHeap;
                    b.append(String.format(
                            Locale.ROOT,
                            "- %s waiting in %s: %.2f× (%s)%n",
                            r.transport(),
                            r.waitsIn(),
                            ratio,
                            ratio <= HEAP_TARGET ? "pass" : "short"));
                }
            }
        }
        for (Row r : rows) {
            List<String> started = new ArrayList<>(r.after().threads());
            r.before().threads().forEach(started::remove);
            if (!started.isEmpty()) {
                b.append(String.format(
                        Locale.ROOT,
                        "%nPlatform threads alive after the %s %s row that were not before it: %s",
                        r.transport(),
                        r.waitsIn(),
                        String.join(", ", started.stream().sorted().toList())));
            }
        }
        b.append('\n');
        b.append(
                "\nheap: used heap after a full GC, idle minus before, per connection (both ends, the parked virtual thread, "
                        + "its buffer), from the second of two passes; first pass: the same from the first, which is a warm-up "
                        + "(its threads park in code the JIT has not yet seen take new connections, some of it interpreted). native: the resident set, same difference; the heap is touched in full at start "
                        + "(-XX:+AlwaysPreTouch), so this is memory outside it (kernel socket buffers are in neither). "
                        + "serve all: first byte sent until every connection has read its byte and answered; "
                        + "latency: each byte from its send to its read.\n");
        System.out.print(b);
    }

    static String millis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "—";
        }
        long v = sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        return String.format(Locale.ROOT, "%.1f ms", v / 1e6);
    }
}
