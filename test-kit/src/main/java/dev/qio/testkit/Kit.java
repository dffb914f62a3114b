package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.property.Property;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/** Shared plumbing of the kit: display names, timeouts and capability checks. */
final class Kit {
    private Kit() {}

    /** Multiplies every kit timeout: {@link KitConfig#timeoutScale()}, e.g. {@code -Dqio.timeout.scale=3} on a slow machine. */
    static final double TIMEOUT_SCALE = KitConfig.current().timeoutScale();

    /**
     * The kit's liveness bound: how long it waits for what the contract says happens promptly
     * before it fails with what did not happen. A non-blocking read or write returns (with
     * {@code ERR_BLOCK} when nothing can move); {@code close} or {@code shutdown} wakes a thread
     * blocked in the channel; a transfer between two running threads moves at least one byte.
     * Five seconds times {@code qio.timeout.scale}: thousands of times what any of these takes, so
     * it is never a performance bound, and short enough that a hang is reported as the assertion
     * it breaks, with the stuck thread's stack, rather than as the test's timeout.
     */
    static final Duration PROMPT = timeout(Duration.ofSeconds(5));

    static Duration timeout(Duration base) {
        return Duration.ofMillis((long) (base.toMillis() * TIMEOUT_SCALE));
    }

    /** A body of a kit test; may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /**
     * A dynamic test named {@code id [fixture, variant, seed=...]} whose body runs under a scaled
     * timeout, so a hung provider fails the test instead of hanging the build.
     */
    static DynamicTest test(String id, ChannelFixture fixture, String variant, Duration timeout, Body body) {
        String label = id + " [" + fixture.name() + (variant.isEmpty() ? "" : ", " + variant) + ", "
                + Property.seedLabel() + "]";
        return DynamicTest.dynamicTest(
                label,
                () -> assertTimeoutPreemptively(
                        timeout(timeout),
                        () -> {
                            body.run();
                            return null;
                        },
                        () -> label + " did not finish within " + timeout(timeout)
                                + " (scale with -Dqio.timeout.scale); the provider probably blocked"));
    }

    /** Skips unless the fixture declares every capability; the message names the missing ones. */
    static void require(ChannelFixture fixture, Capability... needed) {
        Set<Capability> caps = fixture.capabilities();
        Set<Capability> missing =
                java.util.Arrays.stream(needed).filter(c -> !caps.contains(c)).collect(Collectors.toSet());
        Assumptions.assumeTrue(
                missing.isEmpty(),
                () -> "fixture '" + fixture.name() + "' does not declare " + missing
                        + " in ChannelFixture.capabilities()");
    }

    /** Skips when the fixture declares {@link Capability#BLOCKING_ONLY}. */
    static void requireNonBlocking(ChannelFixture fixture) {
        Assumptions.assumeFalse(
                has(fixture, Capability.BLOCKING_ONLY),
                () -> "fixture '" + fixture.name() + "' declares BLOCKING_ONLY in ChannelFixture.capabilities()");
    }

    static boolean has(ChannelFixture fixture, Capability c) {
        return fixture.capabilities().contains(c);
    }

    /**
     * Makes what {@code w} was given visible to its peer where the fixture declares
     * {@link Capability#HOLDS_WRITES}: flushes, in either mode, until nothing is held.
     */
    static void sent(ChannelFixture fixture, IoChannel w) throws java.io.IOException {
        if (has(fixture, Capability.HOLDS_WRITES)) {
            while (w.flush() == IoChannel.ERR_BLOCK) {
                w.await(dev.qio.channel.IoCondition.OUT);
            }
        }
    }
}
