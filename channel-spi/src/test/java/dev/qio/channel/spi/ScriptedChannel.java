package dev.qio.channel.spi;

import dev.qio.channel.Feature;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link AbstractIoChannel} whose transport is a script: each {@code implReadv} and
 * {@code implWritev} call takes the next programmed {@link Step}. Reads copy bytes from an endless
 * {@linkplain #patternAt pattern}; writes collect what they drain in {@link #written()}. Every hook
 * call is recorded, so a test can check what the base passed and whether it called at all.
 */
final class ScriptedChannel extends AbstractIoChannel {

    /** One programmed result of a read or write hook. */
    sealed interface Step permits Move, Eof, Block, Zero, Fail, Gate {}

    /** Move up to {@code bytes} bytes (fewer if the iov has less room), offering {@code fds}. */
    record Move(int bytes, List<NativeFd> fds) implements Step {}

    /** End of stream, after offering {@code fds}. */
    record Eof(List<NativeFd> fds) implements Step {}

    /** {@code ERR_BLOCK}. */
    record Block() implements Step {}

    /** Return 0: a provider bug the base must catch. */
    record Zero() implements Step {}

    /** Throw {@code error}. */
    record Fail(IOException error) implements Step {}

    /**
     * Count down {@code entered}, wait (uninterruptibly) for {@code release}, then do {@code then}:
     * holds the hook, and so the direction's lock, until the test lets go.
     */
    record Gate(CountDownLatch entered, CountDownLatch release, Step then) implements Step {}

    static Step bytes(int n, NativeFd... fds) {
        return new Move(n, List.of(fds));
    }

    static Step eof(NativeFd... fds) {
        return new Eof(List.of(fds));
    }

    static Step block() {
        return new Block();
    }

    static Step zero() {
        return new Zero();
    }

    static Step fail(String message) {
        return new Fail(new IOException(message));
    }

    /** The byte at offset {@code i} of the stream reads deliver. */
    static byte patternAt(long i) {
        return (byte) (i * 31 + 7);
    }

    /** The first {@code n} bytes of the pattern, starting at {@code from}. */
    static byte[] pattern(long from, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = patternAt(from + i);
        }
        return out;
    }

    final ScriptedReadiness readiness = new ScriptedReadiness();
    /** Counted down by implClose, so a {@link Gate} can hold a hook until the channel closes. */
    final CountDownLatch implClosed = new CountDownLatch(1);

    private final Deque<Step> reads = new ArrayDeque<>();
    private final Deque<Step> writes = new ArrayDeque<>();
    private long readOffset;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /** Whether each implReadv call got a non-null fdsOut, in call order. */
    final List<Boolean> readGotFdsOut = Collections.synchronizedList(new ArrayList<>());
    /** The fds each implWritev call got (copied; {@code null} if it got null), in call order. */
    final List<List<NativeFd>> writeFds = Collections.synchronizedList(new ArrayList<>());
    /** The flags each implReadv call got. */
    final List<Set<ReadFlag>> readFlags = Collections.synchronizedList(new ArrayList<>());

    final AtomicInteger readCalls = new AtomicInteger();
    final AtomicInteger writeCalls = new AtomicInteger();
    final AtomicInteger closeCalls = new AtomicInteger();
    /** Every call of an optional hook, as text: "preadv@5", "shutdown READ", "delay true", ... */
    final List<String> optionalCalls = Collections.synchronizedList(new ArrayList<>());
    /** The argument of every implSetBlocking call. */
    final List<Boolean> blockingChanges = Collections.synchronizedList(new ArrayList<>());

    ScriptedChannel(String name, Feature... features) {
        super(name);
        for (Feature f : features) {
            setFeature(f);
        }
    }

    /** Appends steps for implReadv. */
    ScriptedChannel reads(Step... steps) {
        synchronized (reads) {
            reads.addAll(Arrays.asList(steps));
        }
        return this;
    }

    /** Appends steps for implWritev. */
    ScriptedChannel writes(Step... steps) {
        synchronized (writes) {
            writes.addAll(Arrays.asList(steps));
        }
        return this;
    }

    /** Every byte the write hook drained so far. */
    byte[] written() {
        synchronized (written) {
            return written.toByteArray();
        }
    }

    private Step next(Deque<Step> script, String hook, int call) {
        synchronized (script) {
            Step s = script.pollFirst();
            if (s == null) {
                throw new AssertionError("unexpected " + hook + " call #" + call + ": the script is used up");
            }
            return s;
        }
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        int call = readCalls.incrementAndGet();
        readGotFdsOut.add(fdsOut != null);
        readFlags.add(Set.copyOf(flags));
        return read(next(reads, "implReadv", call), iov, fdsOut);
    }

    private long read(Step step, ByteBuffer[] iov, List<NativeFd> fdsOut) throws IOException {
        return switch (step) {
            case Move(int bytes, List<NativeFd> fds) -> {
                offer(fds, fdsOut);
                int moved = 0;
                for (ByteBuffer b : iov) {
                    while (b.hasRemaining() && moved < bytes) {
                        b.put(patternAt(readOffset++));
                        moved++;
                    }
                }
                yield moved;
            }
            case Eof(List<NativeFd> fds) -> {
                offer(fds, fdsOut);
                yield EOF;
            }
            case Block b -> ERR_BLOCK;
            case Zero z -> 0;
            case Fail(IOException error) -> throw error;
            case Gate g -> {
                pass(g);
                yield read(g.then(), iov, fdsOut);
            }
        };
    }

    private static void pass(Gate g) {
        g.entered().countDown();
        boolean interrupted = false;
        while (true) {
            try {
                g.release().await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** As a transport must: received fds go to the caller, or are closed if it wants none. */
    private static void offer(List<NativeFd> fds, List<NativeFd> fdsOut) throws IOException {
        for (NativeFd fd : fds) {
            if (fdsOut != null) {
                fdsOut.add(fd);
            } else {
                fd.close();
            }
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        int call = writeCalls.incrementAndGet();
        writeFds.add(fds == null ? null : List.copyOf(fds));
        return write(next(writes, "implWritev", call), iov);
    }

    private long write(Step step, ByteBuffer[] iov) throws IOException {
        return switch (step) {
            case Move(int bytes, var _) -> {
                ByteBuffer sink = ByteBuffer.allocate(bytes);
                int moved = Iov.drain(iov, sink, bytes);
                synchronized (written) {
                    written.write(sink.array(), 0, moved);
                }
                yield moved;
            }
            case Eof e -> throw new AssertionError("a write cannot return EOF");
            case Block b -> ERR_BLOCK;
            case Zero z -> 0;
            case Fail(IOException error) -> throw error;
            case Gate g -> {
                pass(g);
                yield write(g.then(), iov);
            }
        };
    }

    /**
     * Counts and opens {@link #implClosed}; signals no readiness on purpose, so tests show that
     * the base itself wakes waiters on close.
     */
    @Override
    protected void implClose() {
        closeCalls.incrementAndGet();
        implClosed.countDown();
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        blockingChanges.add(blocking);
    }

    @Override
    protected long implPreadv(ByteBuffer[] iov, long offset) {
        optionalCalls.add("preadv@" + offset);
        return Iov.fill(iov, ByteBuffer.wrap(pattern(offset, (int) Iov.remaining(iov))), Integer.MAX_VALUE);
    }

    @Override
    protected long implPwritev(ByteBuffer[] iov, long offset) {
        optionalCalls.add("pwritev@" + offset);
        return Iov.drain(iov, ByteBuffer.allocate((int) Iov.remaining(iov)), Integer.MAX_VALUE);
    }

    @Override
    protected long implSeek(long offset, Whence whence) {
        optionalCalls.add("seek " + offset + " " + whence);
        return offset;
    }

    @Override
    protected void implShutdown(Shutdown how) {
        optionalCalls.add("shutdown " + how);
    }

    @Override
    protected void implSetDelay(boolean enabled) {
        optionalCalls.add("delay " + enabled);
    }

    @Override
    protected void implSetCork(boolean enabled) {
        optionalCalls.add("cork " + enabled);
    }

    @Override
    protected int implFlush() {
        optionalCalls.add("flush");
        return 1;
    }

    @Override
    protected long implPeerPid() {
        optionalCalls.add("peerPid");
        return 42;
    }
}
