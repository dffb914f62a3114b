package dev.qio.provider.ws;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kit over {@code ws+fault+tcp://}: frames split at random points and spurious ERR_BLOCKs
 * below the WebSocket layer, on both ends. A frame header, a partial frame or a control frame
 * then arrives on its own, so IN from the inner channel often carries no payload: this is where
 * a layer that reports the inner channel's IN as its own, or that stops at a spurious block
 * while bytes wait, fails.
 */
class WsFaultConformanceTest extends ChannelContract {
    private static final AtomicInteger SEEDS = new AtomicInteger(0x3e5);

    @Override
    protected ChannelFixture fixture() {
        String faults = "&split=50&block=30&seed=";
        return WsFixtures.pairs(
                "ws+fault+tcp (split=50&block=30)",
                () -> "ws+fault+tcp://127.0.0.1:0?" + WsFixtures.BUFFERS + faults + SEEDS.incrementAndGet(),
                WsFixtures.BUFFERS + faults + SEEDS.incrementAndGet());
    }
}
