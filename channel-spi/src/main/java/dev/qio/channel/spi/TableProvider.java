package dev.qio.channel.spi;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.Feature;
import java.util.Objects;
import java.util.Set;

/**
 * The base of a transport's provider: its schemes and their features come from one
 * {@link SchemeTable}, and {@link #requireScheme} is the check before a URI is read. A provider adds
 * only {@code open} (and {@code listen}, {@code availability}, {@code priority} where it has them).
 * Layers ({@code NAME+SCHEME}) use {@link LayerProvider} instead.
 */
public abstract class TableProvider implements ChannelProvider {
    private final SchemeTable table;

    /** @param table the provider's schemes and the features channels of each can have */
    protected TableProvider(SchemeTable table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public final Set<String> schemes() {
        return table.schemes();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code scheme} is not one of {@link #schemes()}
     */
    @Override
    public final Set<Feature> features(String scheme) {
        return table.features(scheme);
    }

    /**
     * {@code scheme} in lower case, checked against the table.
     *
     * @throws IllegalArgumentException naming {@code scheme} and listing the provider's schemes
     */
    protected final String requireScheme(String scheme) {
        return table.require(scheme);
    }
}
