package dev.qio.channel.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spi's JFR events, recorded with a {@link RecordingStream} around a real {@code mem://}
 * connection: open, accept, reads and writes (threshold lowered to 0), descriptor passing and close
 * with the bytes each end moved. {@code RecordingStream.stop()} returns once every event recorded
 * before it has been handed to the stream, so the test needs no waiting of its own.
 */
class JfrEventsTest {
    @TempDir
    Path dir;

    @Test
    void lifecycleAndTransfersAreRecorded() throws Exception {
        String name = "jfr-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            for (String event : List.of("ChannelOpen", "ChannelClose", "Accept", "DescriptorPass")) {
                rs.enable("dev.qio." + event);
            }
            rs.enable("dev.qio.ChannelRead").withThreshold(Duration.ZERO);
            rs.enable("dev.qio.ChannelWrite").withThreshold(Duration.ZERO);
            rs.onEvent(e -> {
                if (e.getEventType().getName().startsWith("dev.qio.")) {
                    seen.add(e);
                }
            });
            rs.startAsync();
            try (IoListener listener = IoChannels.listen("mem://" + name);
                    IoChannel client = IoChannels.open("mem://" + name);
                    IoChannel server = listener.accept()) {
                client.writeAll(ByteBuffer.wrap("hello".getBytes()));
                server.readAll(ByteBuffer.allocate(5));
                server.writeAll(ByteBuffer.wrap("ok".getBytes()));
                client.readAll(ByteBuffer.allocate(2));
                if (NativeFds.isSupported()) {
                    Path file = Files.writeString(dir.resolve("passed"), "x");
                    client.writev(
                            new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})},
                            List.of(NativeFds.open(file, false)),
                            Set.of());
                    List<NativeFd> got = new ArrayList<>();
                    server.readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, got, Set.of());
                    for (NativeFd fd : got) {
                        fd.close();
                    }
                }
            }
            rs.stop();
        }
        String uri = "mem://" + name;
        assertTrue(count(seen, "dev.qio.ChannelOpen", uri) >= 1, "open recorded: " + seen);
        assertEquals(
                1,
                seen.stream()
                        .filter(e -> e.getEventType().getName().equals("dev.qio.Accept")
                                && e.getString("listener").startsWith(uri))
                        .count(),
                "one accept: " + seen);
        List<RecordedEvent> closes = seen.stream()
                .filter(e -> e.getEventType().getName().equals("dev.qio.ChannelClose")
                        && e.getString("channel").startsWith(uri))
                .toList();
        assertEquals(2, closes.size(), "both ends' closes: " + closes);
        long extra = NativeFds.isSupported() ? 1 : 0;
        long read = closes.stream().mapToLong(e -> e.getLong("bytesRead")).sum();
        long written = closes.stream().mapToLong(e -> e.getLong("bytesWritten")).sum();
        assertEquals(7 + extra, read, "bytes read by both ends");
        assertEquals(7 + extra, written, "bytes written by both ends");
        closes.forEach(e -> assertFalse(e.getDuration("lifetime").isNegative()));
        assertTrue(count(seen, "dev.qio.ChannelRead", uri) >= 2, "reads above the 0 ms threshold");
        assertTrue(count(seen, "dev.qio.ChannelWrite", uri) >= 2, "writes above the 0 ms threshold");
        if (NativeFds.isSupported()) {
            assertEquals(2, count(seen, "dev.qio.DescriptorPass", uri), "one descriptor sent, one received");
        }
    }

    private static long count(List<RecordedEvent> events, String type, String channelPrefix) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type)
                        && e.getString("channel").startsWith(channelPrefix))
                .count();
    }
}
