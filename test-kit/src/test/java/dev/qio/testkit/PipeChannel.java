package dev.qio.testkit;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Test only: the smallest correct channel pair, so the kit's own tests have something that passes
 * every property without depending on a provider (the providers depend on the kit). Two bounded
 * in-memory pipes, one per direction; SHUTDOWN and CONCURRENT_IO. {@link Planted} breaks it on
 * purpose.
 */
final class PipeChannel extends AbstractIoChannel {
    private final Pipe in;
    private final Pipe out;
    private final SignalledReadiness readiness = new SignalledReadiness(this::poll);

    private PipeChannel(String name, Pipe in, Pipe out) {
        super(name);
        this.in = in;
        this.out = out;
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
    }

    /** Two connected ends, each direction buffering {@code capacity} bytes: {@code [client, server]}. */
    static IoChannel[] pair(String name, int capacity) {
        Pipe up = new Pipe(capacity);
        Pipe down = new Pipe(capacity);
        PipeChannel client = new PipeChannel(name + "/client", down, up);
        PipeChannel server = new PipeChannel(name + "/server", up, down);
        up.ends = new SignalledReadiness[] {client.readiness, server.readiness};
        down.ends = up.ends;
        return new IoChannel[] {client, server};
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return in.read(iov, isBlocking(), name());
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        return out.write(iov, isBlocking(), name());
    }

    @Override
    protected void implShutdown(Shutdown how) {
        if (how != Shutdown.WRITE) {
            in.end(false);
        }
        if (how != Shutdown.READ) {
            out.end(true);
        }
    }

    @Override
    protected void implClose() {
        in.end(false);
        out.end(true);
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // every transfer passes isBlocking() to the pipe
    }

    private Set<IoCondition> poll() {
        int mask = 0;
        if (in.readable()) {
            mask |= ConditionMask.IN;
        }
        if (out.writeFails()) {
            mask |= ConditionMask.OUT | ConditionMask.ERR;
        } else if (out.hasRoom()) {
            mask |= ConditionMask.OUT;
        }
        return ConditionMask.set(mask);
    }

    /** One direction: a ring of bytes under one lock. */
    private static final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        /** The one reader waits here for bytes or an end. */
        private final Condition readable = lock.newCondition();
        /** The one writer waits here for room or an end. */
        private final Condition writable = lock.newCondition();

        private final ByteBuffer ring;
        /** Guarded by lock. */
        private int head;
        /** Written under lock; volatile for poll. */
        private volatile int size;

        private volatile boolean writerEnded;
        private volatile boolean readerEnded;
        /** Both ends' readiness, signalled after every change; set once before use. */
        SignalledReadiness[] ends;

        Pipe(int capacity) {
            ring = ByteBuffer.allocate(capacity);
        }

        long read(ByteBuffer[] iov, boolean blocking, String name) throws IOException {
            int n = 0;
            lock.lock();
            try {
                while (size == 0) {
                    if (writerEnded || readerEnded) {
                        return IoChannel.EOF;
                    }
                    if (!blocking) {
                        return IoChannel.ERR_BLOCK;
                    }
                    awaitOn(readable, name);
                }
                while (size > 0 && Iov.remaining(iov) > 0) { // the bytes may wrap round the ring's end
                    int run = Math.min(size, ring.capacity() - head);
                    int moved = Iov.fill(iov, ring.duplicate().position(head).limit(head + run), run);
                    head = (head + moved) % ring.capacity();
                    size -= moved;
                    n += moved;
                }
                writable.signal(); // the writer, if it waits for this room
            } finally {
                lock.unlock();
            }
            signal();
            return n;
        }

        long write(ByteBuffer[] iov, boolean blocking, String name) throws IOException {
            int n = 0;
            lock.lock();
            try {
                while (true) {
                    if (writerEnded || readerEnded) {
                        throw new IOException(name + ": " + (writerEnded ? "shut down for writing" : "Broken pipe"));
                    }
                    if (size < ring.capacity()) {
                        break;
                    }
                    if (!blocking) {
                        return IoChannel.ERR_BLOCK;
                    }
                    awaitOn(writable, name);
                }
                while (size < ring.capacity() && Iov.remaining(iov) > 0) { // the room may wrap round
                    int tail = (head + size) % ring.capacity();
                    int run = Math.min(ring.capacity() - size, ring.capacity() - tail);
                    int moved = Iov.drain(iov, ring.duplicate().position(tail).limit(tail + run), run);
                    size += moved;
                    n += moved;
                }
                readable.signal(); // the reader, if it waits for bytes
            } finally {
                lock.unlock();
            }
            signal();
            return n;
        }

        private static void awaitOn(Condition c, String name) throws InterruptedIOException {
            try {
                c.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(name + ": interrupted");
            }
        }

        /** Ends the writer side (the reader drains, then reads EOF) or the reader side (bytes dropped). */
        void end(boolean writer) {
            lock.lock();
            try {
                if (writer) {
                    writerEnded = true;
                } else {
                    readerEnded = true;
                    size = 0;
                }
                readable.signalAll(); // a blocked reader: it now reads EOF
                writable.signalAll(); // a blocked writer: it now fails
            } finally {
                lock.unlock();
            }
            signal();
        }

        boolean readable() {
            return size > 0 || writerEnded || readerEnded;
        }

        boolean hasRoom() {
            return size < ring.capacity();
        }

        boolean writeFails() {
            return writerEnded || readerEnded;
        }

        private void signal() {
            for (SignalledReadiness r : ends) {
                r.signal();
            }
        }
    }
}
