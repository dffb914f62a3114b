package dev.qio.benchmarks;

import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * qio against the libraries users pick instead (Netty's NIO, epoll and io_uring transports, its
 * {@code SslHandler} on the JDK's engine and on BoringSSL, junixsocket, the JDK's
 * {@code SocketChannel} on virtual threads), with ratios that hold on a small shared machine.
 *
 * <p>Not JMH: JMH measures one benchmark after the other, minutes apart on this machine, and a
 * drift of the machine between them moved ratios by tens of percent. Here every contender of a row
 * (qio's variants and the peers) is open at once in one JVM; after warm-up rounds they take turns
 * in short rounds (each round runs every contender once, the order rotated from round to round),
 * and each ratio is computed per round, between scores measured within about a second of each
 * other. The table shows the median of those per-round ratios and their range (min–max), the
 * median scores, and the machine's load during the row: the load average before and after, and
 * from {@code /proc/stat} the share of CPU time that other processes used (busy time minus this
 * JVM's own) and that the hypervisor stole.
 *
 * <p>Usage: {@code Peers RESULTS.tsv [--regime NAME] [--warmup N] [--rounds N] [--round-ms MS]
 * [--contenders REGEX] [ROW-REGEX...]} appends the rows whose ids match to RESULTS.tsv (all rows
 * without a regex); {@code NAME} says how the JVM was started (benchmarks/run: "free", "pinned"
 * under {@code taskset -c 0}, or "free, no read spin" with {@code -Dqio.native.readSpinMicros=0});
 * {@code --contenders} keeps only the contenders whose names match
 * (to profile or trace one side alone; a row left without qio or without peers prints nothing).
 * {@code Peers --table RESULTS.tsv} prints the Markdown table. {@code Peers --list} lists the rows.
 *
 * <p>The class runs past 400 lines because the rows, the alternating rounds and the table they
 * print are one harness around its {@code Row} and {@code Entry} records; the contenders
 * themselves live in their own classes ({@code PeerStreams}, {@code PeerPingPong}, {@code PeerTls}).
 */
public final class Peers {
    private Peers() {}

    /**
     * One contender of a row: its name (for the table when it cannot open), how to open it and,
     * for a peer, the least qio / peer ratio that passes (NaN: none).
     */
    /**
     * A contender of a row. A peer's {@code target} applies to the qio entries whose names contain
     * {@code targetFor} (all of them when it is {@code null}); against the others its ratios are
     * information.
     */
    record Entry(String name, Contender.Opener opener, double target, String targetFor) {
        Entry(String name, Contender.Opener opener, double target) {
            this(name, opener, target, null);
        }

        /** This entry's target for the qio entry named {@code qio}. */
        double targetAgainst(String qio) {
            return targetFor == null || qio.contains(targetFor) ? target : INFO;
        }
    }

    /** A row: qio's variants against the peers, each pair a line of the table. */
    record Row(String id, int order, String title, String unit, List<Entry> qio, List<Entry> peers, int warmupFactor) {}

    private static final double INFO = Double.NaN;
    /** The native backend's target against a blocking {@code SocketChannel} on the same thread kind. */
    private static final double RAW_TARGET = 0.95;
    /** qio's virtual-thread ping-pong against the JDK's {@code SocketChannel} on virtual threads (issue 13). */
    private static final double VIRTUAL_PING_PONG_TARGET = 0.95;

    /** Every row, in table order. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(stream("tcp-64k", 10, false, 65536, List.of(PeerStreams.Style.PLAIN), 1.0, 1.0));
        rows.add(stream("tcp-4k", 20, false, 4096, List.of(PeerStreams.Style.values()), 1.0, INFO));
        rows.add(stream("unix-64k", 30, true, 65536, List.of(PeerStreams.Style.PLAIN), 1.0, INFO));
        rows.add(stream(
                "unix-4k", 40, true, 4096, List.of(PeerStreams.Style.PLAIN, PeerStreams.Style.WRITEV), 1.0, INFO));
        rows.add(new Row(
                "pingpong",
                50,
                "tcp:// 1-byte ping-pong",
                "round trips/s",
                List.of(
                        new Entry("qio, platform threads", () -> new PeerPingPong.Qio(false), INFO),
                        new Entry("qio, virtual threads", () -> new PeerPingPong.Qio(true), INFO)),
                List.of(
                        new Entry("Netty NIO", () -> new PeerPingPong.Netty(NettyTransport.NIO), INFO),
                        new Entry("Netty epoll", () -> new PeerPingPong.Netty(NettyTransport.EPOLL), 1.0),
                        new Entry("Netty io_uring", () -> new PeerPingPong.Netty(NettyTransport.IO_URING), INFO),
                        new Entry(
                                "JDK SocketChannel, virtual threads",
                                () -> new PeerPingPong.Jdk(true),
                                VIRTUAL_PING_PONG_TARGET,
                                "virtual threads"),
                        new Entry(
                                "JDK SocketChannel, platform threads",
                                () -> new PeerPingPong.Jdk(false),
                                1.0,
                                "platform threads")),
                1));
        rows.add(new Row(
                "pingpong-cpu",
                51,
                "tcp:// 1-byte ping-pong, CPU time",
                "CPU µs per round trip",
                List.of(new Entry(
                        "qio, platform threads", () -> new PeerPingPong.CpuPerTrip(new PeerPingPong.Qio(false)), INFO)),
                List.of(new Entry(
                        "JDK SocketChannel, platform threads",
                        () -> new PeerPingPong.CpuPerTrip(new PeerPingPong.Jdk(false)),
                        INFO)),
                1));
        rows.add(new Row(
                "tls-64k",
                60,
                "tls+tcp:// 64 KiB writes, TLS 1.3",
                "MB/s",
                List.of(
                        new Entry("qio tls+tcp://", () -> new PeerTls.Qio(65536, null), INFO),
                        new Entry(
                                "qio tls+tcp://, ciphers=",
                                () -> new PeerTls.Qio(65536, "TLS_AES_128_GCM_SHA256"),
                                INFO)),
                List.of(
                        new Entry("Netty SslHandler, JDK engine", () -> PeerTls.netty(SslProvider.JDK, 65536), INFO),
                        new Entry("Netty SslHandler, BoringSSL", () -> PeerTls.netty(SslProvider.OPENSSL, 65536), 1.2)),
                3));
        int order = 70;
        for (int size : new int[] {65536, 262144}) {
            String id = "ZeroCopyStream-" + size / 1024 + "k";
            rows.add(PeerZeroCopy.row(id, order++, size, PeerZeroCopy.Metric.THROUGHPUT));
            rows.add(PeerZeroCopy.row(id + "-cpu", order++, size, PeerZeroCopy.Metric.CPU));
        }
        return rows;
    }

    /**
     * A stream row: qio's variants against Netty NIO ({@code nioTarget}), epoll ({@code epollTarget}),
     * io_uring, the JDK's blocking {@code SocketChannel} on virtual and on platform threads (the
     * latter the native backend's baseline, {@link #RAW_TARGET}), and for unix sockets junixsocket.
     */
    private static Row stream(
            String id,
            int order,
            boolean unix,
            int size,
            List<PeerStreams.Style> styles,
            double nioTarget,
            double epollTarget) {
        List<Entry> qio = new ArrayList<>();
        for (PeerStreams.Style s : styles) {
            qio.add(new Entry(s.label, () -> new PeerStreams.Qio(unix, size, s), INFO));
        }
        List<Entry> peers = new ArrayList<>();
        String kind = unix ? "unix" : "tcp";
        peers.add(new Entry(NettyTransport.NIO.label, () -> netty(NettyTransport.NIO, unix, size), nioTarget));
        peers.add(new Entry(NettyTransport.EPOLL.label, () -> netty(NettyTransport.EPOLL, unix, size), epollTarget));
        peers.add(new Entry(NettyTransport.IO_URING.label, () -> netty(NettyTransport.IO_URING, unix, size), INFO));
        if (unix) {
            peers.add(new Entry("junixsocket", () -> PeerStreams.Raw.junixsocket(size), INFO));
        }
        peers.add(new Entry("JDK SocketChannel, virtual threads", () -> PeerStreams.Raw.jdk(unix, size, true), INFO));
        peers.add(new Entry(
                "JDK SocketChannel, platform threads", () -> PeerStreams.Raw.jdk(unix, size, false), RAW_TARGET));
        String title = kind + ":// " + (size >= 1024 ? size / 1024 + " KiB" : size + " B") + " writes";
        return new Row(id, order, title, "MB/s", qio, peers, 1);
    }

    private static Contender netty(NettyTransport t, boolean unix, int size) throws Exception {
        return new PeerStreams.Netty(t, unix, size, t.label + ", write while writable, then flush", null, null);
    }

    /** Runs rows (see the class comment for the arguments), or prints the table. */
    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--list")) {
            rows().forEach(r -> System.out.println(r.id() + "\t" + r.title()));
            return;
        }
        if (args.length == 2 && args[0].equals("--table")) {
            System.out.print(table(Files.readAllLines(Path.of(args[1]))));
            return;
        }
        if (args.length == 0) {
            System.err.println("usage: Peers RESULTS.tsv [--regime NAME] [--warmup N] [--rounds N] [--round-ms MS]"
                    + " [--contenders REGEX] [ROW-REGEX...]"
                    + " | Peers --table RESULTS.tsv | Peers --list");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String regime = "free";
        int warmup = 4;
        int rounds = 10;
        long roundMs = 500;
        List<Pattern> filters = new ArrayList<>();
        Pattern contenders = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--contenders" -> contenders = Pattern.compile(args[++i]);
                case "--regime" -> regime = args[++i];
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-ms" -> roundMs = Long.parseLong(args[++i]);
                default -> filters.add(Pattern.compile(args[i]));
            }
        }
        if (rounds < 1 || warmup < 0 || roundMs < 1) {
            throw new IllegalArgumentException(
                    "--rounds and --round-ms must be at least 1, --warmup at least 0: " + Arrays.toString(args));
        }
        for (Row all : rows()) {
            Row row = contenders == null ? all : only(all, contenders);
            if (filters.isEmpty()
                    || filters.stream().anyMatch(f -> f.matcher(row.id()).find())) {
                List<String> lines = run(row, regime, warmup * row.warmupFactor(), rounds, roundMs * 1_000_000);
                Files.write(out, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    /**
     * One round of contender {@code c}, or NaN once it has failed: the first failure is kept in
     * {@code failed[c]} (its table lines say so) and the row goes on with the others.
     */
    private static double round(Contender contender, long nanos, String[] failed, int c) {
        if (failed[c] != null) {
            return Double.NaN;
        }
        try {
            return contender.round(nanos);
        } catch (Exception e) {
            String why = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            failed[c] = "failed in a round: " + why.replaceAll("\\s+", " ");
            System.err.println("    " + contender.label() + " " + failed[c]);
            return Double.NaN;
        }
    }

    /** {@code row} with only the contenders whose names {@code names} finds (to profile one side alone). */
    private static Row only(Row row, Pattern names) {
        return new Row(
                row.id(),
                row.order(),
                row.title(),
                row.unit(),
                row.qio().stream().filter(e -> names.matcher(e.name()).find()).toList(),
                row.peers().stream().filter(e -> names.matcher(e.name()).find()).toList(),
                row.warmupFactor());
    }

    /** One opened contender, or why it could not open. */
    private record Opened(Entry entry, Contender contender, String unavailable) {}

    /** Runs one row; returns its lines for the results file. */
    static List<String> run(Row row, String regime, int warmup, int rounds, long roundNanos) throws Exception {
        System.err.printf(
                "  peers: %s (%s), %d + %d rounds of %d ms%n",
                row.title(), regime, warmup, rounds, roundNanos / 1_000_000);
        List<Opened> all = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try {
            for (Entry e : concat(row.qio(), row.peers())) {
                try {
                    all.add(new Opened(e, e.opener().open(), null));
                } catch (Exception | LinkageError ex) {
                    String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                    all.add(new Opened(e, null, why.replaceAll("\\s+", " ")));
                    System.err.println("    unavailable: " + why);
                }
            }
            List<Opened> live = all.stream().filter(o -> o.contender() != null).toList();
            String[] failed = new String[live.size()];
            for (int w = 0; w < warmup; w++) {
                for (int c = 0; c < live.size(); c++) {
                    round(live.get(c).contender(), roundNanos, failed, c);
                }
            }
            Load load = Load.start();
            double[][] scores = new double[live.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < live.size(); k++) {
                    int c = (k + r) % live.size();
                    scores[c][r] = round(live.get(c).contender(), roundNanos, failed, c);
                }
            }
            String loadText = load.end();
            for (int c = 0; c < live.size(); c++) {
                System.err.printf(
                        Locale.ROOT,
                        "    %s: median %.6g %s per round, rounds %s%n",
                        live.get(c).contender().label(),
                        median(scores[c]),
                        row.unit().equals("MB/s") ? "B/s" : row.unit(),
                        Arrays.toString(scores[c]));
            }
            for (Opened q : all) {
                if (!row.qio().contains(q.entry())) {
                    continue;
                }
                for (Opened p : all) {
                    if (!row.peers().contains(p.entry())) {
                        continue;
                    }
                    String qLabel = q.contender() == null
                            ? q.entry().name()
                            : q.contender().label();
                    String pLabel = p.contender() == null
                            ? p.entry().name()
                            : p.contender().label();
                    String why = q.unavailable() != null
                            ? "unavailable: " + q.unavailable()
                            : p.unavailable() != null
                                    ? "unavailable: " + p.unavailable()
                                    : failed[live.indexOf(q)] != null
                                            ? failed[live.indexOf(q)]
                                            : failed[live.indexOf(p)];
                    String[] cells;
                    if (why != null) {
                        cells = new String[] {why, "", "", "", "", ""};
                    } else {
                        double[] qs = scores[live.indexOf(q)];
                        double[] ps = scores[live.indexOf(p)];
                        double[] ratios = new double[rounds];
                        for (int r = 0; r < rounds; r++) {
                            ratios[r] = qs[r] / ps[r];
                        }
                        cells = new String[] {
                            "",
                            num(median(qs)),
                            num(median(ps)),
                            num(median(ratios)),
                            num(min(ratios)),
                            num(max(ratios))
                        };
                    }
                    lines.add(String.join(
                            "\t",
                            String.valueOf(row.order()),
                            row.title(),
                            regime,
                            qLabel,
                            pLabel,
                            row.unit(),
                            String.join("\t", cells),
                            target(p.entry().targetAgainst(q.entry().name())),
                            loadText));
                }
            }
        } finally {
            for (Opened o : all) {
                if (o.contender() != null) {
                    try {
                        o.contender().close();
                    } catch (Exception e) {
                        System.err.println("    closing " + o.contender().label() + ": " + e);
                    }
                }
            }
        }
        return lines;
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String target(double t) {
        return Double.isNaN(t) ? "" : num(t);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /**
     * The machine's load over the measured rounds of a row: the load average before and after,
     * and from {@code /proc/stat} the share of all CPU time that other processes were busy
     * (machine-wide busy time minus this JVM's CPU time) and that the hypervisor stole.
     */
    record Load(String loadBefore, long[] statBefore, long ownBefore) {
        /** /proc/stat counts in USER_HZ, which Linux fixes at 100 for user space. */
        private static final double TICK_NANOS = 1e9 / 100;

        static Load start() {
            return new Load(loadavg(), stat(), ProcessCpu.nanos());
        }

        String end() {
            long[] s = stat();
            long own = ProcessCpu.nanos();
            String after = loadavg();
            if (s == null || statBefore == null) {
                return "load " + loadBefore + " → " + after;
            }
            double busy = (s[0] - statBefore[0]) * TICK_NANOS;
            double steal = (s[1] - statBefore[1]) * TICK_NANOS;
            double total = (s[2] - statBefore[2]) * TICK_NANOS;
            double others = Math.max(0, busy - (own - ownBefore));
            return String.format(
                    Locale.ROOT,
                    "load %s → %s; others %.0f%%, steal %.0f%%",
                    loadBefore,
                    after,
                    100 * others / total,
                    100 * steal / total);
        }

        private static String loadavg() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            } catch (IOException | RuntimeException e) {
                return "?";
            }
        }

        /** {busy, steal, all} ticks of the "cpu" line, or null without /proc/stat. */
        private static long[] stat() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat"))
                        .getFirst()
                        .trim()
                        .split("\\s+");
                long user = Long.parseLong(f[1]);
                long nice = Long.parseLong(f[2]);
                long system = Long.parseLong(f[3]);
                long idle = Long.parseLong(f[4]);
                long iowait = Long.parseLong(f[5]);
                long irq = Long.parseLong(f[6]);
                long softirq = Long.parseLong(f[7]);
                long steal = Long.parseLong(f[8]);
                long busy = user + nice + system + irq + softirq;
                return new long[] {busy, steal, busy + idle + iowait + steal};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** The Markdown table of a results file. */
    static String table(List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                rows.add(l.split("\t", -1));
            }
        }
        rows.sort((a, b) -> Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0])));
        StringBuilder b = new StringBuilder();
        b.append(
                "| row | regime | qio | peer | qio score | peer score | unit | ratio: median (min–max) | target | result | machine during the row |\n");
        b.append("| --- | --- | --- | --- | ---: | ---: | --- | ---: | --- | --- | --- |\n");
        for (String[] f : rows) {
            String target = f[12].isEmpty() ? "—" : "≥ " + fmtRatio(Double.parseDouble(f[12]));
            if (!f[6].isEmpty()) {
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | — | — | %s | %s | %s | — | %s |%n",
                        f[1],
                        f[2],
                        f[3],
                        f[4],
                        f[5],
                        f[6],
                        target,
                        f[13]));
                continue;
            }
            boolean bytes = f[5].equals("MB/s");
            double q = Double.parseDouble(f[7]);
            double p = Double.parseDouble(f[8]);
            double med = Double.parseDouble(f[9]);
            double lo = Double.parseDouble(f[10]);
            double hi = Double.parseDouble(f[11]);
            String result;
            if (f[12].isEmpty()) {
                result = "info";
            } else {
                double t = Double.parseDouble(f[12]);
                result = med >= t
                        ? (lo >= t ? "pass" : "pass (median)")
                        : hi >= t ? "short (median; range reaches it)" : "short";
            }
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s (%s–%s) | %s | %s | %s |%n",
                    f[1],
                    f[2],
                    f[3],
                    f[4],
                    score(bytes ? q / 1e6 : q),
                    score(bytes ? p / 1e6 : p),
                    f[5],
                    fmtRatio(med),
                    fmtRatio(lo),
                    fmtRatio(hi),
                    target,
                    result,
                    f[13]));
        }
        b.append("\nEach line: qio's median score and the peer's over the measured rounds of one JVM; the ratio is "
                + "qio / peer, computed per round (the two measured within about a second of each other), its median and "
                + "its range. Regime \"pinned\": the JVM ran under taskset -c 0 (every thread on one CPU); \"free\": on all CPUs; "
                + "\"no read spin\": with -Dqio.native.readSpinMicros=0 (blocking reads sleep in recv at once). "
                + "A CPU row's ratio is qio's cost over the peer's: lower is cheaper. "
                + "\"others\": the CPU time other processes used during the row's rounds, as a share of all CPU time; "
                + "\"steal\": what the hypervisor took.\n");
        return b.toString();
    }

    private static String score(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    private static String fmtRatio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }
}
