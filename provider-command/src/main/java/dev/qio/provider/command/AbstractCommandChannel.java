package dev.qio.provider.command;

import dev.qio.channel.Feature;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * What both command channels share ({@link ProcessChannel} and {@link NativeCommandChannel}): the
 * features, closing (end the child, report its own failure), the {@link Cleaner} for a channel
 * dropped without {@code close}, and the child's identity and exit. A subclass is its transport:
 * reads, writes and shutdown.
 *
 * @param <C> the kind of child
 */
abstract class AbstractCommandChannel<C extends AbstractChild> extends AbstractIoChannel implements CommandChannel {
    /** One cleaner thread for every command channel; its actions only start a virtual thread. */
    private static final Cleaner CLEANER = Cleaner.create(
            r -> Thread.ofPlatform().name("qio-command-cleaner").daemon(true).unstarted(r));

    /** The child; never refers back to this channel. */
    protected final C child;

    private final CommandOptions.Mode mode;
    private final Cleaner.Cleanable cleanable;

    AbstractCommandChannel(String name, C child, CommandOptions.Mode mode) {
        super(name);
        this.child = child;
        this.mode = mode;
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
        this.cleanable = CLEANER.register(this, new Abandon(child));
    }

    /** The Cleaner action; it holds the child, never the channel. */
    private record Abandon(AbstractChild child) implements Runnable {
        @Override
        public void run() {
            child.abandon();
        }
    }

    @Override
    protected final void implClose() throws IOException {
        int status;
        try {
            status = child.terminate();
        } catch (IOException e) {
            throw error("cannot end the child", e);
        } finally {
            cleanable.clean(); // deregisters; terminate() ran, so the action does nothing
        }
        if (child.failedOnItsOwn(status)) {
            throw new CommandExitException(name(), child.argv(), status);
        }
    }

    @Override
    protected final Readiness readiness() {
        return child.readiness();
    }

    @Override
    public final List<String> command() {
        return child.argv();
    }

    @Override
    public final long pid() {
        return child.pid();
    }

    @Override
    public final OptionalInt exitStatus() {
        return child.exitStatus();
    }

    @Override
    public final CompletableFuture<Integer> onExit() {
        return child.onExit();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + ", pid " + pid() + ", mode "
                + mode.name().toLowerCase(Locale.ROOT) + (isOpen() ? "" : ", closed") + "]";
    }
}
