package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.linux.OwnedFd;
import dev.qio.testkit.TestIo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * The child process of {@link FdAdoptionTest}: started with descriptors inherited from its parent,
 * it runs each argument as a step and prints one line per step on stdout, which the test reads.
 *
 * <ul>
 *   <li>{@code serve:URI}: listens on URI, accepts one client, echoes 4 bytes;
 *   <li>{@code echo:URI}: opens URI, echoes 4 bytes;
 *   <li>{@code echo-nativefd:N}: the same through {@code IoChannels.open(OwnedFd.of(N))}, then says
 *       whether the descriptor is still the caller's;
 *   <li>{@code write:URI}: opens URI and writes {@code file}.
 * </ul>
 * An exception becomes {@code error STEP: MESSAGE}.
 */
public final class AdoptedMain {
    private AdoptedMain() {}

    public static void main(String[] args) {
        for (String step : args) {
            int colon = step.indexOf(':');
            String verb = step.substring(0, colon);
            String arg = step.substring(colon + 1);
            try {
                System.out.println(run(verb, arg));
            } catch (Exception e) {
                System.out.println("error " + step + ": " + e.getMessage());
            }
            System.out.flush();
        }
    }

    private static String run(String verb, String arg) throws Exception {
        switch (verb) {
            case "serve" -> {
                try (IoListener l = IoChannels.listen(arg);
                        IoChannel c = l.accept()) {
                    return "served " + echo(c) + " local " + l.localUri() + " features " + new TreeSet<>(c.features());
                }
            }
            case "echo" -> {
                try (IoChannel c = IoChannels.open(arg)) {
                    return "echoed " + echo(c) + " on " + arg + " features " + new TreeSet<>(c.features());
                }
            }
            case "echo-nativefd" -> {
                OwnedFd fd = OwnedFd.of(Integer.parseInt(arg));
                String echoed;
                try (IoChannel c = IoChannels.open(fd)) {
                    echoed = echo(c);
                }
                boolean stillOpen = fd.isOpen();
                fd.close();
                return "echoed " + echoed + " through NativeFd, still the caller's: " + stillOpen;
            }
            case "write" -> {
                try (IoChannel c = IoChannels.open(arg)) {
                    c.writeAll(ByteBuffer.wrap("file".getBytes(StandardCharsets.US_ASCII)));
                    return "wrote on " + arg + " features " + new TreeSet<>(c.features());
                }
            }
            case "backend" -> {
                return "native backend: "
                        + dev.qio.channel.spi.linux.Linux.unavailableReason().orElse("available");
            }
            default -> throw new IllegalArgumentException("unknown step " + verb);
        }
    }

    private static String echo(IoChannel c) throws Exception {
        String got = TestIo.readAscii(c, 4);
        c.writeAll(TestIo.ascii(got));
        return got;
    }
}
