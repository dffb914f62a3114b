package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link ZeroCopyBudgetTest}, run in a network namespace whose
 * {@code net.core.optmem_max} the test set: sends {@code count} zero-copy writes of 64 KiB over
 * loopback tcp, each from its own direct buffer, without flushing between them, except that after
 * the first it waits until the kernel queued that write's completion ({@code POLLERR}), so the second
 * write cannot extend the first's notification and needs budget of its own. Then one flush, and a
 * reader thread checks every byte. Prints {@code ok retries=N flush=R} or {@code error MESSAGE}.
 */
public final class ZeroCopyBudgetMain {
    private ZeroCopyBudgetMain() {}

    private static final int SIZE = 64 << 10;

    /** poll(2) for POLLERR alone (asked for or not, poll reports it): the error queue holds a completion. */
    private static void awaitErrorQueue(LinuxSocketChannel ch) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle poll = linker.downcallHandle(
                linker.defaultLookup().find("poll").orElseThrow(),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        int fd = ch.socket().fd().acquire(ch.name());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            int rc = (int) poll.invokeExact(pollfd, 1L, 30_000);
            short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
            if (rc != 1 || (revents & 0x8) == 0) {
                throw new IllegalStateException(
                        "no completion of the first zero-copy write (poll " + rc + ", revents " + revents + ")");
            }
        } finally {
            ch.socket().fd().release();
        }
    }

    public static void main(String[] args) throws Throwable {
        int count = Integer.parseInt(args[0]);
        byte[] expected = new byte[SIZE * count];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31 + i / SIZE);
        }
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel writer = IoChannels.open(listener.localUri());
                IoChannel reader = listener.accept()) {
            writer.setDelay(false);
            CompletableFuture<byte[]> read = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer got = ByteBuffer.allocate(expected.length);
                    reader.readAll(got);
                    read.complete(got.array());
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            try {
                for (int i = 0; i < count; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(SIZE)
                            .put(expected, i * SIZE, SIZE)
                            .flip();
                    writer.writevAll(new ByteBuffer[] {b}, List.of(), Set.of(WriteFlag.ZERO_COPY));
                    if (i == 0) {
                        awaitErrorQueue((LinuxSocketChannel) writer);
                    }
                }
                int flushed = writer.flush();
                writer.shutdown(Shutdown.WRITE);
                byte[] got = read.get();
                long retries = ((LinuxSocketChannel) writer).zeroCopy().budgetRetries();
                System.out.println(
                        Arrays.equals(expected, got)
                                ? "ok retries=" + retries + " flush=" + flushed
                                : "error the bytes read differ from those written");
            } catch (Exception e) {
                System.out.println("error " + e.getMessage());
            }
        }
    }
}
