package dev.qio.testkit;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

/**
 * Test only: {@link PipeChannel} pairs with one bug each, planted by a {@link ForwardingChannel}
 * on both ends, as the kit's self-tests need them: each property must fail on its bug with its own
 * assertion. {@link #SOUND} plants nothing.
 */
enum Planted {
    /** Nothing planted: every property passes. */
    SOUND {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch);
        }
    },
    /** A raw write reports one byte more than it moved (the example of a lost assertion). */
    OVERCOUNTED_WRITE {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                @Override
                public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                    long n = inner.writev(iov, fds, flags);
                    return n > 0 ? n + 1 : n;
                }
            };
        }
    },
    /** Every 8 MiB of a stream, one byte arrives flipped. */
    CORRUPTS_EVERY_8_MIB {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                private long offset;

                @Override
                public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
                    int[] before = new int[iov.length];
                    for (int i = 0; i < iov.length; i++) {
                        before[i] = iov[i].position();
                    }
                    long n = inner.readv(iov, fdsOut, flags);
                    long every = 8 << 20;
                    for (int i = 0; i < iov.length && n > 0; i++) {
                        int len = iov[i].position() - before[i];
                        for (long k = Math.max(every, (offset + every - 1) / every * every);
                                k < offset + len;
                                k += every) {
                            int p = before[i] + (int) (k - offset);
                            iov[i].put(p, (byte) ~iov[i].get(p));
                        }
                        offset += len;
                    }
                    return n;
                }
            };
        }
    },
    /** A blocking read of an empty iov waits for input before returning 0. */
    EMPTY_BLOCKING_READ_WAITS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return waitingFirst(ch, IoCondition.IN, (c, iov) -> CheckedIo.remaining(iov) == 0 && c.isBlocking());
        }
    },
    /** A blocking write of an empty iov waits for room before returning 0. */
    EMPTY_BLOCKING_WRITE_WAITS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return waitingFirst(ch, IoCondition.OUT, (c, iov) -> CheckedIo.remaining(iov) == 0 && c.isBlocking());
        }
    },
    /** A non-blocking write of an empty iov returns ERR_BLOCK instead of 0. */
    EMPTY_NONBLOCKING_WRITE_BLOCKS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                @Override
                public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                    return CheckedIo.remaining(iov) == 0 && !isBlocking() ? ERR_BLOCK : inner.writev(iov, fds, flags);
                }
            };
        }
    },
    /** A non-blocking read waits for input instead of returning ERR_BLOCK. */
    NONBLOCKING_READ_STALLS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return waitingFirst(ch, IoCondition.IN, (c, iov) -> !c.isBlocking());
        }
    },
    /** A non-blocking write waits for room instead of returning ERR_BLOCK. */
    NONBLOCKING_WRITE_STALLS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return waitingFirst(ch, IoCondition.OUT, (c, iov) -> !c.isBlocking());
        }
    },
    /** shutdown(BOTH) shuts only the read side. */
    SHUTDOWN_BOTH_READS_ONLY {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                @Override
                public void shutdown(Shutdown how) throws IOException {
                    inner.shutdown(how == Shutdown.BOTH ? Shutdown.READ : how);
                }
            };
        }
    },
    /** shutdown(WRITE), alone or in BOTH, does nothing to the write side. */
    SHUTDOWN_WRITE_IGNORED {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                @Override
                public void shutdown(Shutdown how) throws IOException {
                    if (how != Shutdown.WRITE) {
                        inner.shutdown(Shutdown.READ);
                    }
                }
            };
        }
    },
    /** shutdown(READ) makes later reads return EOF but wakes nobody already waiting. */
    SHUTDOWN_READ_WAKES_NOBODY {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                private volatile boolean readShut;

                @Override
                public void shutdown(Shutdown how) throws IOException {
                    if (how != Shutdown.WRITE) {
                        readShut = true;
                    }
                    if (how != Shutdown.READ) {
                        inner.shutdown(Shutdown.WRITE);
                    }
                }

                @Override
                public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
                    return readShut && CheckedIo.remaining(iov) > 0 ? EOF : inner.readv(iov, fdsOut, flags);
                }
            };
        }
    },
    /** close marks the channel closed but wakes nobody already waiting in it. */
    CLOSE_WAKES_NOBODY {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                private volatile boolean closed;

                @Override
                public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
                    ensureOpen();
                    return inner.readv(iov, fdsOut, flags);
                }

                @Override
                public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                    ensureOpen();
                    return inner.writev(iov, fds, flags);
                }

                @Override
                public void await(IoCondition condition) throws IOException {
                    ensureOpen();
                    inner.await(condition);
                }

                @Override
                public boolean isOpen() {
                    return !closed;
                }

                @Override
                public void close() {
                    closed = true; // the pipe stays open, so threads parked in it stay parked
                }

                private void ensureOpen() throws ClosedChannelException {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                }
            };
        }
    },
    /**
     * Advertises CONCURRENT_IO but serialises its two directions: a blocked write holds the one
     * lock that reads need too. Reads wait for input outside the lock, so a transfer only stalls
     * once both ends' writes are blocked, i.e. once it exceeds the pipes' buffering.
     */
    SERIALISED_DIRECTIONS {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ForwardingChannel(ch) {
                private final ReentrantLock both = new ReentrantLock();
                private volatile boolean blocking = true;

                @Override
                public void setBlocking(boolean blocking) {
                    this.blocking = blocking;
                }

                @Override
                public boolean isBlocking() {
                    return blocking;
                }

                @Override
                public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
                    while (true) {
                        long n;
                        both.lock();
                        try {
                            inner.setBlocking(false);
                            n = inner.readv(iov, fdsOut, flags);
                        } finally {
                            both.unlock();
                        }
                        if (n != ERR_BLOCK || !blocking) {
                            return n;
                        }
                        inner.await(IoCondition.IN);
                    }
                }

                @Override
                public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                    both.lock();
                    try {
                        inner.setBlocking(false);
                        long n;
                        while ((n = inner.writev(iov, fds, flags)) == ERR_BLOCK && blocking) {
                            inner.await(IoCondition.OUT); // holding the lock: the bug
                        }
                        return n;
                    } finally {
                        both.unlock();
                    }
                }
            };
        }
    },
    /**
     * Nothing planted, and {@code WRITE_ZERO_COPY} advertised: every zero-copy write is copied at
     * once (as the native tcp channel does below its threshold), and flush says so.
     */
    ZERO_COPY_SOUND {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ZeroCopyPipe(ch);
        }
    },
    /**
     * Zero-copy writes keep the caller's buffers and are sent at the next write, whatever flush
     * said: a caller that reuses its buffers once flush returned changes what the peer reads.
     */
    ZERO_COPY_HELD_PAST_FLUSH {
        @Override
        IoChannel wrap(IoChannel ch) {
            return new ZeroCopyPipe(ch) {
                private final List<ByteBuffer> held = new java.util.ArrayList<>();

                @Override
                public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                    if (!held.isEmpty()) {
                        ByteBuffer[] late = held.toArray(ByteBuffer[]::new);
                        held.clear();
                        inner.writevAll(late, null, Set.of());
                    }
                    if (!flags.contains(WriteFlag.ZERO_COPY)) {
                        return inner.writev(iov, fds, flags);
                    }
                    zeroCopied = true;
                    long n = 0;
                    for (ByteBuffer b : iov) {
                        held.add(b.duplicate());
                        n += b.remaining();
                        b.position(b.limit());
                    }
                    return n;
                }
            };
        }
    };

    /** A pipe end that advertises {@code WRITE_ZERO_COPY} and copies every write. */
    private static class ZeroCopyPipe extends ForwardingChannel {
        /** Whether a zero-copy write came since the last flush. */
        boolean zeroCopied;

        ZeroCopyPipe(IoChannel inner) {
            super(inner);
        }

        @Override
        public Set<Feature> features() {
            Set<Feature> all = EnumSet.of(Feature.WRITE_ZERO_COPY);
            all.addAll(inner.features());
            return all;
        }

        @Override
        public boolean hasFeature(Feature feature) {
            return feature == Feature.WRITE_ZERO_COPY || inner.hasFeature(feature);
        }

        @Override
        public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
            if (!flags.contains(WriteFlag.ZERO_COPY)) {
                return inner.writev(iov, fds, flags);
            }
            zeroCopied = true;
            return inner.writev(iov, fds, Set.of());
        }

        @Override
        public int flush() throws IOException {
            int r = zeroCopied ? 1 : 0;
            zeroCopied = false;
            return r;
        }
    }

    private static final AtomicInteger SERIAL = new AtomicInteger();
    /** What the pipes buffer per direction, as {@code mem://} does by default. */
    static final int CAPACITY = 64 << 10;

    /** Plants this bug on one end. */
    abstract IoChannel wrap(IoChannel ch);

    /**
     * A channel that, on a read (for {@code IN}) or a write (for {@code OUT}) for which
     * {@code when} holds, first waits for {@code condition} on the pipe: a call that should
     * return at once but waits for the peer.
     */
    private static IoChannel waitingFirst(
            IoChannel ch, IoCondition condition, BiPredicate<IoChannel, ByteBuffer[]> when) {
        return new ForwardingChannel(ch) {
            @Override
            public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
                if (condition == IoCondition.IN && when.test(this, iov)) {
                    inner.await(condition);
                }
                return inner.readv(iov, fdsOut, flags);
            }

            @Override
            public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
                if (condition == IoCondition.OUT && when.test(this, iov)) {
                    inner.await(condition);
                }
                return inner.writev(iov, fds, flags);
            }
        };
    }

    /** Pairs of planted pipes: round trip, concurrent ends, a reader that starves, a writer that fills. */
    ChannelFixture fixture() {
        return ChannelFixture.of(
                "planted-" + name().toLowerCase(java.util.Locale.ROOT),
                EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL),
                () -> {
                    IoChannel[] ends = PipeChannel.pair("pipe-" + SERIAL.incrementAndGet(), CAPACITY);
                    return ChannelPair.of(wrap(ends[0]), wrap(ends[1]));
                });
    }
}
