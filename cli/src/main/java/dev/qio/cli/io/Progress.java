package dev.qio.cli.io;

import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code pv}-like progress line on standard error: bytes so far, elapsed time, average rate and,
 * when the size is known, a bar, a percentage and an ETA. Redrawn in place ({@code \r}) twice a
 * second by a daemon thread, so it keeps moving (the rate falls) while the copy is stalled; ended
 * with a final line and a newline by {@link #close()}. A disabled one prints nothing.
 */
public final class Progress implements AutoCloseable {
    private static final long TICK_MS = 500;
    private static final int BAR = 20;

    private final PrintStream err;
    private final OptionalLong total;
    private final long start = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final ScheduledExecutorService ticker;
    /** Guarded by {@code this}: the length of the line last drawn, to blank out its tail. */
    private int drawn;

    private boolean closed;

    private Progress(PrintStream err, OptionalLong total, boolean enabled) {
        this.err = err;
        this.total = total;
        if (enabled) {
            ticker = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon(true).name("qio-progress").unstarted(r));
            ticker.scheduleAtFixedRate(() -> draw(false), 0, TICK_MS, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** Starts a progress line on {@code err} if {@code enabled}; {@code total} is the expected size, if known. */
    public static Progress start(PrintStream err, OptionalLong total, boolean enabled) {
        return new Progress(err, total, enabled);
    }

    /** Records the running total of bytes moved. */
    public void moved(long soFar) {
        bytes.set(soFar);
    }

    /** Draws the final line, ended by a newline. Idempotent. */
    @Override
    public void close() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        draw(true);
    }

    private synchronized void draw(boolean last) {
        if (closed) {
            return;
        }
        closed = last;
        String line = line(bytes.get(), System.nanoTime() - start, total);
        StringBuilder out = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < drawn; i++) {
            out.append(' ');
        }
        drawn = line.length();
        if (last) {
            out.append('\n');
        }
        err.print(out);
        err.flush();
    }

    /** One progress line: {@code 12.0 MiB 0:00:03 [4.00 MiB/s] [=====>     ] 52% ETA 0:00:02}. */
    static String line(long bytes, long elapsedNanos, OptionalLong total) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        double rate = bytes / seconds;
        StringBuilder s = new StringBuilder()
                .append(size(bytes))
                .append(' ')
                .append(clock((long) seconds))
                .append(" [")
                .append(size((long) rate))
                .append("/s]");
        if (total.isPresent()) {
            long all = total.getAsLong();
            double done = all == 0 ? 1 : Math.min(1, (double) bytes / all);
            int filled = (int) Math.round(done * BAR);
            StringBuilder bar = new StringBuilder("=".repeat(filled)).append(" ".repeat(BAR - filled));
            if (filled > 0 && filled < BAR) {
                bar.setCharAt(filled - 1, '>');
            }
            s.append(" [").append(bar).append("] ").append(String.format(Locale.ROOT, "%3d%%", (int)
                    Math.floor(done * 100)));
            long left = Math.max(0, all - bytes);
            s.append(" ETA ").append(rate > 0 ? clock((long) Math.ceil(left / rate)) : "-:--:--");
        }
        return s.toString();
    }

    /**
     * The summary {@code qio cat --summary} and {@code qio relay --summary} print when they end:
     * {@code 5.00 MiB (5242880 bytes) in 0.052 s, 96.2 MiB/s}.
     */
    public static String summary(long bytes, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        return size(bytes) + " (" + bytes + " bytes) in " + String.format(Locale.ROOT, "%.3f s", seconds) + ", "
                + size((long) (bytes / seconds)) + "/s";
    }

    /** {@code 512 B}, {@code 1.50 KiB}, {@code 12.0 MiB}, {@code 3.25 GiB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String format = value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, format, value, units[unit]);
    }

    /** {@code H:MM:SS}. */
    static String clock(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
