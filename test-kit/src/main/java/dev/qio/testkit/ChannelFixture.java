package dev.qio.testkit;

import java.io.IOException;
import java.util.Set;

/**
 * How the kit gets channels from one provider: a name, what the pair can do, and a way to open a
 * fresh pair. The kit opens a new pair for every try and closes it afterwards.
 *
 * <pre>{@code
 * final class MemFixture implements ChannelFixture {
 *     public String name() { return "mem"; }
 *     public Set<Capability> capabilities() {
 *         return EnumSet.of(ROUND_TRIP, CONCURRENT, STARVE, FILL);
 *     }
 *     public ChannelPair open() throws IOException { ... }
 * }
 * }</pre>
 */
public interface ChannelFixture {
    /** A short name shown in every test's display name, such as {@code mem} or {@code tcp-ipv6}. */
    String name();

    /** What the pairs of this fixture can do; decides which properties run. */
    Set<Capability> capabilities();

    /**
     * Opens a fresh, connected pair in blocking mode.
     *
     * @throws org.opentest4j.TestAbortedException to skip (for example, no IPv6 on this host); say why
     */
    ChannelPair open() throws IOException;

    /**
     * What a fresh pair's reader produces before end of stream, for fixtures that declare
     * {@link Capability#KNOWN_SOURCE}; the same bytes for every pair.
     *
     * @throws UnsupportedOperationException by default
     */
    default byte[] knownSource() {
        throw new UnsupportedOperationException("fixture '" + name() + "' declares no KNOWN_SOURCE");
    }

    /** Opens a fresh pair; the one method a simple fixture needs beyond its name and capabilities. */
    @FunctionalInterface
    interface Opener {
        /** As {@link ChannelFixture#open()}. */
        ChannelPair open() throws IOException;
    }

    /**
     * A fixture from its parts, for the common case without a known source, e.g.
     * {@code ChannelFixture.of("tcp", STREAM, () -> ChannelPair.connected(registry, "tcp://127.0.0.1:0", ""))}.
     */
    static ChannelFixture of(String name, Set<Capability> capabilities, Opener opener) {
        java.util.Objects.requireNonNull(name, "name");
        Set<Capability> caps = Set.copyOf(capabilities);
        java.util.Objects.requireNonNull(opener, "opener");
        return new ChannelFixture() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<Capability> capabilities() {
                return caps;
            }

            @Override
            public ChannelPair open() throws IOException {
                return opener.open();
            }

            @Override
            public String toString() {
                return "ChannelFixture[" + name + "]";
            }
        };
    }
}
