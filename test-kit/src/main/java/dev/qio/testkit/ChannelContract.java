package dev.qio.testkit;

import static dev.qio.testkit.Capability.CONCURRENT;
import static dev.qio.testkit.Capability.DISCARDING_SINK;
import static dev.qio.testkit.Capability.EMPTY_SOURCE;
import static dev.qio.testkit.Capability.FILL;
import static dev.qio.testkit.Capability.ROUND_TRIP;
import static dev.qio.testkit.Capability.STARVE;

import dev.qio.channel.Feature;
import dev.qio.testkit.property.Gen;
import dev.qio.testkit.property.Property;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance contract every provider runs: extend it and return your fixture.
 *
 * <pre>{@code
 * class MyProviderConformanceTest extends ChannelContract {
 *     @Override protected ChannelFixture fixture() { return new MyFixture(); }
 * }
 * }</pre>
 *
 * <p>Each property is one test factory with its own id: {@code required_*} properties hold for
 * every channel, {@code optional_<FEATURE>_*} ones run where the channel advertises the feature
 * and check its refusal (the gating twin) where it does not. Each dynamic test's name shows the property, the
 * fixture, the variant and the run seed; a failure prints a shrunk input and the
 * {@code -Dqio.seed=...} that reruns it. A property skips only when the fixture does not declare a
 * {@link Capability} it needs, and says which.
 *
 * <h2>Failures, not timeouts</h2>
 * A property that runs several threads (a writer and a reader, four for full duplex) reports the
 * first failure in any of them: it closes the pair, which wakes threads blocked in the channel,
 * interrupts the others, and reports that failure, shrunk like any other; what the others threw
 * on the way out is attached. A test's timeout is reported only when nothing failed.
 *
 * <h2>The liveness bound</h2>
 * What the contract says happens promptly must happen within 5 seconds (times
 * {@code qio.timeout.scale}), or the property fails, saying what did not happen and showing where
 * the waiting thread is:
 * <ul>
 *   <li>a non-blocking read or write returns when nothing can move (a read with ERR_BLOCK; a write
 *       with ERR_BLOCK or what it found room for): it never waits for the peer;
 *   <li>a read or write of an empty iov returns 0, in blocking mode too;
 *   <li>{@code close} wakes a thread blocked in a read or write, and {@code shutdown(READ)} or
 *       {@code shutdown(BOTH)} a thread waiting to read, whether in {@code read},
 *       {@code readvAllEof} or {@code await(IN)}, on a platform or a virtual thread;
 *   <li>the EOF that {@code shutdown(WRITE)} sends reaches a peer that has read what came before;
 *   <li>a transfer between two running threads moves at least one byte.
 * </ul>
 * The bound is generous: thousands of times what any of these takes on a loaded machine. It is a
 * liveness bound, never a measure of speed; {@link dev.qio.channel.IoChannel} states the same
 * promise for users.
 *
 * <p>System properties: {@code qio.seed} (rerun), {@code qio.tries} (tries per property),
 * {@code qio.timeout.scale} (multiplies every timeout and the liveness bound).
 *
 * <p>Past 400 lines because it lists every property a provider runs, each with its QEMU source
 * and "if this fails" note, in one class a provider extends; the bodies live in the
 * {@code *Properties} classes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ChannelContract {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofSeconds(180);
    private static final Gen<Long> SEEDS = Gen.longs(0, Long.MAX_VALUE);

    /** The fixture under test; called once per test class instance. */
    protected abstract ChannelFixture fixture();

    private ChannelFixture fixture;

    private ChannelFixture f() {
        if (fixture == null) {
            fixture = fixture();
        }
        return fixture;
    }

    // ---- 1. round trip ----------------------------------------------------------------------

    /**
     * Payloads from 0 bytes to 4 MiB, random iov splits on both sides (empty buffers included),
     * random write chunking, heap/direct/segment buffers, raw calls or the {@code *All} loops,
     * byte-exact, then EOF; first QEMU's own case, 250 buffers of 4194 bytes. QEMU:
     * tests/unit/io-channel-helpers.c. If this fails, check that reads and writes advance
     * positions by what moved and that the pair's finishWriting() really ends the stream.
     */
    @TestFactory
    Stream<DynamicTest> required_roundtrip() {
        return modes("required_roundtrip", LONG, blocking -> {
            Kit.require(f(), ROUND_TRIP);
            Property.forAll(Inputs.transfers(4 << 20))
                    .named(name("required_roundtrip", blocking))
                    .tries(40)
                    .withExamples(Inputs.qemuTransfer())
                    .check(t -> RoundTrip.run(f(), t, blocking));
        });
    }

    /**
     * A long stream: {@link LongStream#BYTES} (64 MiB) of seeded bytes through one pair, random iov
     * splits on both sides (every cycle holds a buffer of at least 16 KiB, so the call count stays
     * in the thousands), raw calls or the {@code *All} loops, each byte checked as it arrives, then
     * EOF; one try per mode. A concurrent pair that stops moving for {@link Kit#PROMPT} fails.
     * If this fails but the round trip passes, check what happens only after many MiB: counters
     * and ring indices that wrap, buffers that are recycled, flow control that runs dry.
     */
    @TestFactory
    Stream<DynamicTest> required_roundtrip_long_stream() {
        return modes("required_roundtrip_long_stream", LONG, blocking -> {
            Kit.require(f(), ROUND_TRIP);
            Property.forAll(LongStream.cases())
                    .named(name("required_roundtrip_long_stream", blocking))
                    .tries(1)
                    .shrinkBudget(20, Duration.ofSeconds(30))
                    .check(c -> LongStream.run(f(), c, blocking));
        });
    }

    // ---- 2. partial I/O ---------------------------------------------------------------------

    /**
     * Raw readv/writev only: for a non-empty iov {@code 0 < n <= remaining}, never 0; buffers fill
     * strictly in order; each position moves by exactly what moved; ERR_BLOCK only when
     * non-blocking. If this fails, check the provider's iov walk (skipping empty buffers, stopping
     * at the first partial one).
     */
    @TestFactory
    Stream<DynamicTest> required_partial_io() {
        Gen<Inputs.Transfer> raw = Inputs.transfers(256 << 10)
                .map(t -> new Inputs.Transfer(t.size(), t.dataSeed(), t.write(), t.read(), true, true));
        return modes("required_partial_io", LONG, blocking -> {
            Kit.require(f(), ROUND_TRIP);
            Property.forAll(raw)
                    .named(name("required_partial_io", blocking))
                    .tries(60)
                    .check(t -> RoundTrip.run(f(), t, blocking));
        });
    }

    /**
     * An iov with nothing remaining (no buffers, empty buffers, buffers at their limit) gives 0 at
     * once for every read and write call, blocking or not, whatever the state: a starved reader,
     * bytes waiting, EOF, a full writer; {@code readvAllEof} gives true. It moves nothing, and the
     * bytes waiting are still all there afterwards. "At once" is {@link Kit#PROMPT}. QEMU: the
     * {@code *_all} loops stop at an empty iov. If this fails, check that the empty case returns
     * before the provider waits for readiness.
     */
    @TestFactory
    Stream<DynamicTest> required_partial_io_empty_iov() {
        return modes(
                "required_partial_io_empty_iov",
                SHORT,
                blocking -> Property.forAll(EmptyIovProperties.cases())
                        .named(name("required_partial_io_empty_iov", blocking))
                        .tries(20)
                        .withExamples(EmptyIovProperties.examples())
                        .shrinkBudget(20, Kit.PROMPT.multipliedBy(2))
                        .check(c -> EmptyIovProperties.run(f(), c, blocking)));
    }

    // ---- 3. EOF -----------------------------------------------------------------------------

    /**
     * EOF before any byte: {@code readvAllEof} false; after some: {@code EOFException};
     * {@code readvAll} throws on any EOF; plain reads keep returning EOF. QEMU:
     * {@code qio_channel_readv_full_all_eof}. If this fails, check that EOF is -1 (not 0) and that
     * a drained, finished stream never returns ERR_BLOCK.
     */
    @TestFactory
    Stream<DynamicTest> required_eof() {
        Gen<EofProperties.EofCase> cases = c -> {
            int want = Gen.ints(1, 100_000).next(c);
            int written = Gen.<Integer>frequency()
                    .add(1, Gen.constant(0))
                    .add(2, Gen.ints(0, want - 1))
                    .add(1, Gen.constant(want))
                    .add(1, Gen.ints(want, want + 70_000))
                    .next(c);
            return new EofProperties.EofCase(
                    written, want, c.drawBoolean(), Inputs.layouts().next(c), SEEDS.next(c));
        };
        return modes("required_eof", SHORT, blocking -> {
            Kit.require(f(), ROUND_TRIP);
            Property.forAll(cases)
                    .named(name("required_eof", blocking))
                    .tries(60)
                    .check(c -> EofProperties.run(f(), c, blocking));
        });
    }

    /** An empty source ({@code null:}) reads EOF at once in every style and mode, never ERR_BLOCK. */
    @TestFactory
    Stream<DynamicTest> required_eof_empty_source() {
        return modes("required_eof_empty_source", SHORT, blocking -> {
            Kit.require(f(), EMPTY_SOURCE);
            Property.forAll(Gen.ints(1, 70_000))
                    .named(name("required_eof_empty_source", blocking))
                    .tries(20)
                    .check(want -> EofProperties.emptySource(f(), blocking, want));
        });
    }

    /**
     * A known source (a read-only child, a file with known content) gives exactly its bytes through
     * random iov splits, raw or with {@code readvAll}, then EOF; in both modes. If this fails, check
     * reads that stop early or run past the end.
     */
    @TestFactory
    Stream<DynamicTest> required_known_source() {
        Gen<Object[]> cases = c -> new Object[] {Inputs.layouts().next(c), c.drawBoolean()};
        return modes("required_known_source", SHORT, blocking -> {
            Kit.require(f(), Capability.KNOWN_SOURCE);
            Property.forAll(cases)
                    .named(name("required_known_source", blocking))
                    .tries(20)
                    .describedBy(a -> a[0] + (((Boolean) a[1]) ? " raw" : " readvAll"))
                    .check(a -> EofProperties.knownSource(f(), blocking, (Layout) a[0], (Boolean) a[1]));
        });
    }

    /** A discarding sink ({@code null:}) takes every write whole, in both modes. */
    @TestFactory
    Stream<DynamicTest> required_sink_discards() {
        return modes("required_sink_discards", SHORT, blocking -> {
            Kit.require(f(), DISCARDING_SINK);
            Property.forAll(Inputs.transfers(1 << 20))
                    .named(name("required_sink_discards", blocking))
                    .tries(30)
                    .check(t -> EofProperties.discardingSink(f(), blocking, t));
        });
    }

    // ---- 4. ERR_BLOCK and readiness ---------------------------------------------------------

    /**
     * A starved non-blocking read returns ERR_BLOCK (never EOF), and after {@code await(IN)} it
     * makes progress. If this fails, check the provider's non-blocking path and its readiness.
     */
    @TestFactory
    Stream<DynamicTest> required_errblock_read_when_starved() {
        return one("required_errblock_read_when_starved", SHORT, () -> {
            Kit.require(f(), STARVE);
            Kit.requireNonBlocking(f());
            Property.forAll(Gen.ints(1, BlockingProperties.SMALL))
                    .named("required_errblock_read_when_starved")
                    .tries(20)
                    .check(k -> BlockingProperties.readWhenStarved(f(), k, k));
        });
    }

    /**
     * Non-blocking means prompt: on a starved reader or a full writer, each of several non-blocking
     * calls returns within {@link Kit#PROMPT} (a read with ERR_BLOCK). The bound is generous and a
     * liveness bound, not a speed test: it catches a call that waits for the peer before giving
     * ERR_BLOCK. If this fails, check what the provider's non-blocking path waits for (a lock held
     * by a blocked thread, a handshake, a flush).
     */
    @TestFactory
    Stream<DynamicTest> required_errblock_returns_promptly() {
        return one("required_errblock_returns_promptly", SHORT, () -> {
            Kit.requireNonBlocking(f());
            Property.forAll(PromptProperties.cases())
                    .named("required_errblock_returns_promptly")
                    .tries(10)
                    .withExamples(PromptProperties.examples())
                    .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                    .check(c -> PromptProperties.run(f(), c));
        });
    }

    /** A blocking read on a starved channel waits for data instead of returning ERR_BLOCK. */
    @TestFactory
    Stream<DynamicTest> required_errblock_blocking_read_waits() {
        return one("required_errblock_blocking_read_waits", SHORT, () -> {
            Kit.require(f(), STARVE);
            Property.forAll(Gen.ints(1, BlockingProperties.SMALL))
                    .named("required_errblock_blocking_read_waits")
                    .tries(10)
                    .check(k -> BlockingProperties.blockingReadWaits(f(), k, k));
        });
    }

    /**
     * A non-blocking writer nobody reads fills and returns ERR_BLOCK; once drained,
     * {@code await(OUT)} returns and writing continues; nothing is lost or reordered.
     */
    @TestFactory
    Stream<DynamicTest> required_errblock_write_when_full() {
        return one("required_errblock_write_when_full", LONG, () -> {
            Kit.require(f(), FILL);
            Kit.requireNonBlocking(f());
            Property.forAll(Gen.ints(1, 100_000))
                    .named("required_errblock_write_when_full")
                    .tries(10)
                    .check(chunk -> BlockingProperties.writeWhenFull(f(), chunk, chunk));
        });
    }

    /** A watch for IN fires when data arrives, not before, and ends when its callback returns false. */
    @TestFactory
    Stream<DynamicTest> required_watch_in_on_data() {
        return one("required_watch_in_on_data", SHORT, () -> {
            Kit.require(f(), STARVE);
            Kit.requireNonBlocking(f());
            Property.forAll(Gen.ints(1, BlockingProperties.SMALL))
                    .named("required_watch_in_on_data")
                    .tries(10)
                    .check(k -> BlockingProperties.watchIn(f(), k));
        });
    }

    /** A watch for OUT on a full writer fires once a reader makes room. */
    @TestFactory
    Stream<DynamicTest> required_watch_out_on_room() {
        return one("required_watch_out_on_room", SHORT, () -> {
            Kit.require(f(), FILL);
            Kit.requireNonBlocking(f());
            Property.forAll(Gen.ints(1, 65_536))
                    .named("required_watch_out_on_room")
                    .tries(5)
                    .check(chunk -> BlockingProperties.watchOut(f(), chunk));
        });
    }

    /** Watches are level triggered: while OUT holds, the callback runs again until it returns false. */
    @TestFactory
    Stream<DynamicTest> required_watch_repeats_until_false() {
        return one(
                "required_watch_repeats_until_false",
                SHORT,
                () -> Property.forAll(Gen.ints(1, 6))
                        .named("required_watch_repeats_until_false")
                        .tries(10)
                        .check(times -> BlockingProperties.watchRepeatsUntilFalse(f(), times)));
    }

    /** Closing a channel ends its watches: the callback never runs after close. */
    @TestFactory
    Stream<DynamicTest> required_watch_ends_on_close() {
        return one("required_watch_ends_on_close", SHORT, () -> BlockingProperties.closeEndsWatch(f()));
    }

    // ---- 5. features --------------------------------------------------------------------------

    /**
     * SHUTDOWN, each direction checked two ways. {@code shutdown(WRITE)} half-closes: the peer
     * drains, reads EOF and answers ({@code half_close}), and a non-blocking peer finds the EOF
     * through readiness ({@code write_eof_nonblocking}). {@code shutdown(READ)} wakes a blocked
     * reader with EOF ({@code read_wakes_reader}), and every kind of waiting reader
     * ({@code read_wakes_any_reader}). {@code shutdown(BOTH)} does both at once ({@code both}).
     * Every wake-up and every EOF must come within {@link Kit#PROMPT}. Gating twin: every shutdown
     * refused. If this fails, check that {@code implShutdown} signals the readiness of both ends
     * and wakes the thread in a read, for each {@code how}.
     */
    @TestFactory
    Stream<DynamicTest> optional_SHUTDOWN() {
        return feature(
                Feature.SHUTDOWN,
                List.of(
                        Kit.test("optional_SHUTDOWN_half_close", f(), "", SHORT, () -> {
                            Kit.require(f(), ROUND_TRIP, CONCURRENT);
                            Gen<int[]> sizes = c -> new int[] {
                                Gen.sizes(70_000).next(c), Gen.sizes(70_000).next(c)
                            };
                            Property.forAll(sizes)
                                    .named("optional_SHUTDOWN_half_close")
                                    .tries(20)
                                    .check(s -> ShutdownProperties.halfClose(f(), s[0], s[1], s[0] * 31L + s[1]));
                        }),
                        Kit.test("optional_SHUTDOWN_write_eof_nonblocking", f(), "", SHORT, () -> {
                            Kit.require(f(), ROUND_TRIP, CONCURRENT);
                            Kit.requireNonBlocking(f());
                            Property.forAll(Gen.ints(0, BlockingProperties.SMALL))
                                    .named("optional_SHUTDOWN_write_eof_nonblocking")
                                    .tries(10)
                                    .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                                    .check(k -> ShutdownProperties.writeEofNonBlocking(f(), k, k));
                        }),
                        Kit.test("optional_SHUTDOWN_read_wakes_reader", f(), "", SHORT, () -> {
                            Kit.require(f(), STARVE);
                            ShutdownProperties.readWakesReader(f(), Waiters.Waiter.READ);
                        }),
                        Kit.test("optional_SHUTDOWN_read_wakes_any_reader", f(), "", SHORT, () -> {
                            Kit.require(f(), STARVE);
                            Property.forAll(Waiters.waiters(f()))
                                    .named("optional_SHUTDOWN_read_wakes_any_reader")
                                    .tries(8)
                                    .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                                    .check(w -> ShutdownProperties.readWakesReader(f(), w));
                        }),
                        Kit.test("optional_SHUTDOWN_both", f(), "", SHORT, () -> {
                            Kit.require(f(), ROUND_TRIP, CONCURRENT, STARVE);
                            Property.forAll(ShutdownProperties.bothCases(f()))
                                    .named("optional_SHUTDOWN_both")
                                    .tries(10)
                                    .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                                    .check(c -> ShutdownProperties.both(f(), c));
                        })));
    }

    /** SEEKABLE: random seek/read/write/preadv/pwritev programs match a byte-array model. */
    @TestFactory
    Stream<DynamicTest> optional_SEEKABLE() {
        return feature(
                Feature.SEEKABLE,
                List.of(
                        Kit.test(
                                "optional_SEEKABLE_model",
                                f(),
                                "",
                                LONG,
                                () -> Property.forAll(ModelProperties.seekPrograms())
                                        .named("optional_SEEKABLE_model")
                                        .tries(100)
                                        .check(p -> ModelProperties.seekable(f(), p, p.size()))),
                        Kit.test(
                                "optional_SEEKABLE_other_thread",
                                f(),
                                "",
                                SHORT,
                                () -> HandoverProperties.positionalThenAnotherThread(f()))));
    }

    /**
     * FD_PASS: 1 to 16 descriptors of distinct files arrive with their bytes (1 byte to 200 KB,
     * heap or native buffers), in order, as distinct descriptors of the same files, usable, owned
     * by the receiver. If this fails, check that the descriptors go with the first chunk of a
     * partial write only, and that a read hands over exactly those that came with its bytes.
     */
    @TestFactory
    Stream<DynamicTest> optional_FD_PASS() {
        return feature(
                Feature.FD_PASS, List.of(Kit.test("optional_FD_PASS_delivery_and_ownership", f(), "", SHORT, () -> {
                    Kit.require(f(), ROUND_TRIP, CONCURRENT);
                    Property.forAll(FeatureProperties.FdCase.cases())
                            .named("optional_FD_PASS_delivery_and_ownership")
                            .tries(12)
                            .check(k -> FeatureProperties.passesFds(f(), k, k.length() * 31L + k.count()));
                })));
    }

    /**
     * READ_MSG_PEEK: a peek fills the buffer and leaves the bytes queued; a second peek sees them
     * again and a read afterwards gets every byte. If this fails, check that the peek passes
     * {@code MSG_PEEK} to the kernel on every path (one buffer, several, bounced).
     */
    @TestFactory
    Stream<DynamicTest> optional_READ_MSG_PEEK() {
        return feature(
                Feature.READ_MSG_PEEK, List.of(Kit.test("optional_READ_MSG_PEEK_peek_then_read", f(), "", SHORT, () -> {
                    Kit.require(f(), ROUND_TRIP, CONCURRENT);
                    Gen<int[]> cases = c -> new int[] {
                        Gen.ints(1, 8192).next(c),
                        Gen.ints(0, BufferKind.values().length - 1).next(c)
                    };
                    Property.forAll(cases)
                            .named("optional_READ_MSG_PEEK_peek_then_read")
                            .tries(12)
                            .check(k ->
                                    FeatureProperties.peeks(f(), k[0], BufferKind.values()[k[1]], k[0] * 7L + k[1]));
                })));
    }

    /**
     * WRITE_ZERO_COPY: zero-copy writes (1 byte to 300 KiB, either side of 10 KiB, any buffer
     * kind, random iovs, blocking or not) interleaved with copying ones arrive exact and in order,
     * while the writer overwrites each zero-copy write's buffers as soon as a flush after it
     * returns; {@code flush()} gives 0 or 1, and 0 promptly with nothing pending. If this fails,
     * check that {@code flush} waits for every zero-copy send made so far, not only the last.
     */
    @TestFactory
    Stream<DynamicTest> optional_WRITE_ZERO_COPY() {
        return feature(
                Feature.WRITE_ZERO_COPY,
                List.of(
                        Kit.test("optional_WRITE_ZERO_COPY_delivery", f(), "", LONG, () -> {
                            Kit.require(f(), ROUND_TRIP, CONCURRENT);
                            Property.forAll(ZeroCopyProperties.cases(f()))
                                    .named("optional_WRITE_ZERO_COPY_delivery")
                                    .tries(16)
                                    .check(k -> ZeroCopyProperties.delivers(f(), k));
                        }),
                        Kit.test("optional_WRITE_ZERO_COPY_flush_idle", f(), "", SHORT, () -> {
                            Kit.require(f(), ROUND_TRIP, CONCURRENT);
                            ZeroCopyProperties.flushIdle(f(), true);
                            if (!Kit.has(f(), Capability.BLOCKING_ONLY)) {
                                ZeroCopyProperties.flushIdle(f(), false);
                            }
                        })));
    }

    /**
     * CONCURRENT_IO, two ways: both directions of a pair move at once on four threads, byte-exact,
     * with generated sizes up to 2 MiB ({@code full_duplex}); and forced past the channel's
     * buffering whatever the generated size ({@code past_buffering}): both directions are filled
     * until ERR_BLOCK first, then each end writes twice that again while it reads. A transfer that
     * stops moving for {@link Kit#PROMPT} fails. If this fails, check that a write blocked on a full
     * channel holds nothing a read needs.
     */
    @TestFactory
    Stream<DynamicTest> optional_CONCURRENT_IO() {
        return Stream.of(
                Kit.test("optional_CONCURRENT_IO_full_duplex", f(), "", LONG, () -> {
                    requireConcurrentIo();
                    Property.forAll(Inputs.sizes(2 << 20))
                            .named("optional_CONCURRENT_IO_full_duplex")
                            .tries(10)
                            .check(size -> DuplexProperties.fullDuplex(f(), size, size));
                }),
                Kit.test("optional_CONCURRENT_IO_past_buffering", f(), "", LONG, () -> {
                    requireConcurrentIo();
                    Kit.require(f(), FILL);
                    Kit.requireNonBlocking(f());
                    Property.forAll(Inputs.sizes(1 << 20))
                            .named("optional_CONCURRENT_IO_past_buffering")
                            .tries(4)
                            .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                            .check(size -> DuplexProperties.pastBuffering(f(), size, size));
                }));
    }

    private void requireConcurrentIo() throws java.io.IOException {
        Kit.require(f(), ROUND_TRIP, CONCURRENT);
        Assumptions.assumeTrue(
                FeatureProperties.advertised(f()).contains(Feature.CONCURRENT_IO),
                "the channels do not advertise CONCURRENT_IO");
    }

    // ---- 6. lifecycle -------------------------------------------------------------------------

    /** Close is idempotent and every operation after it throws ClosedChannelException. */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_io_after_close() {
        return one("required_lifecycle_io_after_close", SHORT, () -> LifecycleProperties.ioAfterClose(f()));
    }

    /**
     * Close from another thread wakes a reader blocked in {@code read} on a starved channel, within
     * {@link Kit#PROMPT}, with ClosedChannelException. If this fails, check that the provider's
     * {@code implClose} wakes the thread waiting in its read.
     */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_close_wakes_reader() {
        return one("required_lifecycle_close_wakes_reader", SHORT, () -> {
            Kit.require(f(), STARVE);
            LifecycleProperties.closeWakesReader(f(), Waiters.Waiter.READ);
        });
    }

    /**
     * Close wakes every kind of waiting reader: a blocking read on a platform or a virtual thread,
     * a {@code readvAllEof}, and {@code await(IN)} on a non-blocking channel; each within
     * {@link Kit#PROMPT}, with ClosedChannelException. The second way close-wakes-reader can fail.
     * If only some waiters fail, check that close signals the channel's readiness, not only the
     * thread in the read.
     */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_close_wakes_any_reader() {
        return one("required_lifecycle_close_wakes_any_reader", SHORT, () -> {
            Kit.require(f(), STARVE);
            Property.forAll(Waiters.waiters(f()))
                    .named("required_lifecycle_close_wakes_any_reader")
                    .tries(8)
                    .shrinkBudget(4, Kit.PROMPT.multipliedBy(2))
                    .check(w -> LifecycleProperties.closeWakesReader(f(), w));
        });
    }

    /** Close from another thread wakes a writer blocked on a full channel. */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_close_wakes_writer() {
        return one("required_lifecycle_close_wakes_writer", SHORT, () -> {
            Kit.require(f(), FILL);
            Kit.requireNonBlocking(f());
            LifecycleProperties.closeWakesWriter(f());
        });
    }

    /**
     * The JDK's PeerReadsAfterAsyncClose: a thread is blocked reading the writer end, on a platform
     * or a virtual thread, while another writes some bytes and closes it; the peer reads those
     * bytes, then EOF: no reset, no lost byte. Runs where both ends are distinct and the writer end
     * can be read while another thread uses it (CONCURRENT_IO). If this fails, check that close
     * wakes the reader without an abortive close (SO_LINGER 0, a reset) and after what was written.
     */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_peer_reads_eof_after_async_close() {
        String id = "required_lifecycle_peer_reads_eof_after_async_close";
        return Stream.of(false, true)
                .map(virtual -> Kit.test(id, f(), virtual ? "virtual" : "platform", SHORT, () -> {
                    Kit.require(f(), CONCURRENT);
                    Property.forAll(Gen.ints(0, 200_000))
                            .named(id + (virtual ? "/virtual" : "/platform"))
                            .tries(5)
                            .check(size ->
                                    PeerProperties.peerReadsEofAfterAsyncClose(f(), virtual, size, size * 31L + 7));
                }));
    }

    /**
     * The reader end closes: the writer's {@code await(OUT)} returns promptly and its writes fail
     * with an IOException within 16 MiB, never hang. If this fails, check that the OUT readiness
     * of a channel whose peer is gone reports it (OUT with ERR, as poll(2) gives POLLERR).
     */
    @TestFactory
    Stream<DynamicTest> required_lifecycle_writer_after_peer_close() {
        return one("required_lifecycle_writer_after_peer_close", SHORT, () -> {
            Kit.require(f(), CONCURRENT);
            HandoverProperties.writerAfterPeerClosed(f());
        });
    }

    // ---- 7. model-based ---------------------------------------------------------------------

    /**
     * Random programs of non-blocking writes and reads on one thread, then a blocking drain:
     * every byte read is the next one written, and EOF comes exactly after the last.
     */
    @TestFactory
    Stream<DynamicTest> required_model_stream() {
        return one("required_model_stream", LONG, () -> {
            Kit.require(f(), ROUND_TRIP, CONCURRENT);
            Kit.requireNonBlocking(f());
            Property.forAll(ModelProperties.streamPrograms())
                    .named("required_model_stream")
                    .tries(100)
                    .check(p -> ModelProperties.stream(f(), p, p.size()));
        });
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** A body that runs once per blocking mode. */
    @FunctionalInterface
    private interface ModeBody {
        void run(boolean blocking) throws Throwable;
    }

    private Stream<DynamicTest> modes(String id, Duration timeout, ModeBody body) {
        return Stream.of(true, false)
                .map(b -> Kit.test(id, f(), b ? "blocking" : "non-blocking", timeout, () -> {
                    if (!b) {
                        Kit.requireNonBlocking(f());
                    }
                    body.run(b);
                }));
    }

    private Stream<DynamicTest> one(String id, Duration timeout, Kit.Body body) {
        return Stream.of(Kit.test(id, f(), "", timeout, body));
    }

    private static String name(String id, boolean blocking) {
        return id + (blocking ? "/blocking" : "/non-blocking");
    }

    /** The feature's properties where it is advertised, else its gating twin. */
    private Stream<DynamicTest> feature(Feature feature, List<DynamicTest> whenAdvertised) {
        Set<Feature> advertised;
        try {
            advertised = FeatureProperties.advertised(f());
        } catch (Exception e) {
            return Stream.of(Kit.test("optional_" + feature, f(), "", SHORT, () -> {
                throw e;
            }));
        }
        if (advertised.contains(feature)) {
            return whenAdvertised.stream();
        }
        List<DynamicTest> gating = new ArrayList<>();
        gating.add(Kit.test(
                "optional_" + feature + "_refused",
                f(),
                "not advertised",
                SHORT,
                () -> FeatureProperties.refuses(f(), feature)));
        return gating.stream();
    }
}
