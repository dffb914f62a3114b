package org.example.qio.pipes;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Whence;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.FixtureSource;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code offbyone} fixture: a loopback that rewinds to 1 instead of 0, so round trips lose a byte. */
public final class OffByOneFixtures implements FixtureSource {
    public OffByOneFixtures() {}

    @Override
    public List<ChannelFixture> fixtures(ChannelRegistry registry) {
        return List.of(new ChannelFixture() {
            @Override
            public String name() {
                return "offbyone";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP);
            }

            @Override
            public ChannelPair open() throws IOException {
                return ChannelPair.loopback(registry.open("offbyone:"), ch -> ch.seek(1, Whence.SET));
            }
        });
    }
}
