package org.example.qio.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files are real gzip: the gzip tool and java.util.zip read what qio writes, and the other way round. */
class InteropTest {
    @TempDir
    Path dir;

    private static byte[] sample(int n) {
        byte[] b = new byte[n];
        Random r = new Random(n);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 7 == 0 ? r.nextInt() : 'a' + i % 13); // compressible, not trivial
        }
        return b;
    }

    private static String uri(Path p) {
        return "gzip+" + p.toUri();
    }

    private static void write(Path p, byte[] data, int chunk) throws IOException {
        try (IoChannel w = IoChannels.open(uri(p) + "?mode=w")) {
            for (int off = 0; off < data.length; off += chunk) {
                w.writeAll(ByteBuffer.wrap(data, off, Math.min(chunk, data.length - off)));
            }
        }
    }

    private static byte[] readAll(IoChannel r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(777);
        while (r.read(buf.clear()) != IoChannel.EOF) {
            out.write(buf.array(), 0, buf.position());
        }
        return out.toByteArray();
    }

    private static byte[] read(Path p) throws IOException {
        try (IoChannel r = IoChannels.open(uri(p))) {
            return readAll(r);
        }
    }

    private static byte[] gzipTool(String... args) throws IOException, InterruptedException {
        Process proc;
        try {
            proc = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            Assumptions.abort("no gzip tool: " + e.getMessage());
            throw e;
        }
        proc.getOutputStream().close();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "gzip did not finish");
        assertEquals(0, proc.exitValue(), String.join(" ", args) + " failed");
        return out;
    }

    @Test
    void gzipToolDecompressesWhatQioWrote() throws Exception {
        byte[] data = sample(300_000);
        Path f = dir.resolve("qio.gz");
        write(f, data, 4093);
        assertArrayEquals(data, gzipTool("gzip", "-dc", f.toString()));
        gzipTool("gzip", "-t", f.toString());
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    /**
     * A caller that reuses one (direct) buffer, as {@code qio cat} does: clear, refill, write.
     * The channel must not keep reading the caller's buffer after a write returns.
     */
    @Test
    void callerReusingOneDirectBufferIsCompressedExactly() throws Exception {
        byte[] data = sample(500_000);
        Path f = dir.resolve("reuse.gz");
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);
        try (IoChannel w = IoChannels.open(uri(f) + "?mode=w")) {
            for (int off = 0; off < data.length; ) {
                buffer.clear();
                int n = Math.min(buffer.remaining(), data.length - off);
                buffer.put(data, off, n).flip();
                w.writeAll(buffer);
                off += n;
            }
            buffer.clear(); // stale bytes with room: must not be compressed at close
        }
        assertArrayEquals(data, gzipTool("gzip", "-dc", f.toString()));
        assertArrayEquals(data, read(f));
    }

    @Test
    void qioReadsWhatTheGzipToolWrote() throws Exception {
        byte[] data = sample(200_000);
        Path plain = dir.resolve("plain.bin");
        Files.write(plain, data);
        Path f = dir.resolve("tool.gz");
        Files.write(f, gzipTool("gzip", "-c", "-9", "-n", plain.toString()));
        assertArrayEquals(data, read(f));
        // with a file name in the header (FNAME), as plain `gzip FILE` writes it
        Files.write(f, gzipTool("gzip", "-c", plain.toString()));
        assertArrayEquals(data, read(f));
    }

    @Test
    void concatenatedMembersReadAsOneStream() throws IOException {
        byte[] a = sample(1000), b = sample(2000);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        for (byte[] part : new byte[][] {a, b}) {
            try (GZIPOutputStream out = new GZIPOutputStream(both)) {
                out.write(part);
                out.finish();
            } catch (UncheckedIOException e) {
                throw e;
            }
        }
        Path f = dir.resolve("two.gz");
        Files.write(f, both.toByteArray());
        byte[] expect = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, expect, a.length, b.length);
        assertArrayEquals(expect, read(f));
    }

    @Test
    void emptyWritesMakeAValidEmptyGzipAfterShutdownOrNothingAtClose() throws Exception {
        Path f = dir.resolve("empty.gz");
        try (IoChannel w = IoChannels.open(uri(f) + "?mode=w")) {
            w.write(ByteBuffer.allocate(0));
        }
        assertEquals(0, Files.size(f), "a writer that wrote nothing writes nothing at close");
        assertArrayEquals(new byte[0], read(f), "an empty inner channel reads as an empty stream");
    }

    @Test
    void truncatedFileIsAnIOExceptionNamingTheChannel() throws IOException {
        byte[] data = sample(50_000);
        Path f = dir.resolve("cut.gz");
        write(f, data, 50_000);
        byte[] whole = Files.readAllBytes(f);
        for (int cut : new int[] {1, 5, 10, whole.length / 2, whole.length - 4, whole.length - 1}) {
            Files.write(f, Arrays.copyOf(whole, cut));
            IOException e = assertThrows(IOException.class, () -> read(f), "cut at " + cut);
            assertTrue(e.getMessage().contains(uri(f)), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void corruptedFileIsAnIOExceptionNamingTheChannel() throws IOException {
        byte[] data = sample(50_000);
        Path f = dir.resolve("bad.gz");
        write(f, data, 50_000);
        byte[] whole = Files.readAllBytes(f);
        byte[] badCrc = whole.clone();
        badCrc[whole.length - 6] ^= 0x55;
        byte[] badMagic = whole.clone();
        badMagic[0] = 'x';
        byte[] badBody = whole.clone();
        for (int i = 20; i < 40; i++) {
            badBody[i] ^= (byte) 0xa5;
        }
        byte[] garbage = Arrays.copyOf(whole, whole.length + 3);
        for (byte[] bad : new byte[][] {badCrc, badMagic, badBody, garbage}) {
            Files.write(f, bad);
            IOException e = assertThrows(IOException.class, () -> read(f));
            assertTrue(e.getMessage().contains(uri(f)), e.getMessage());
        }
    }

    @Test
    void listenerWrapsAcceptedChannelsAndShutdownWriteEndsTheStream() throws IOException {
        try (IoListener l = IoChannels.listen("gzip+mem://interop-listen");
                IoChannel c = IoChannels.open("gzip+mem://interop-listen");
                IoChannel s = l.accept()) {
            assertEquals("gzip+mem://interop-listen", l.localUri().toString());
            byte[] data = sample(10_000);
            c.writeAll(ByteBuffer.wrap(data));
            c.shutdown(Shutdown.WRITE);
            assertArrayEquals(data, readAll(s));
        }
    }

    @Test
    void layersOverTcpBothWays() throws Exception {
        try (IoListener l = IoChannels.listen("gzip+tcp://127.0.0.1:0")) {
            String where = l.localUri().toString();
            assertTrue(where.startsWith("gzip+tcp://"), where);
            try (IoChannel c = IoChannels.open(where); IoChannel s = l.accept()) {
                byte[] there = sample(100_000), back = sample(70_000);
                c.writeAll(ByteBuffer.wrap(there));
                c.shutdown(Shutdown.WRITE);
                assertArrayEquals(there, readAll(s));
                s.writeAll(ByteBuffer.wrap(back));
                s.shutdown(Shutdown.WRITE);
                assertArrayEquals(back, readAll(c));
            }
        }
    }

    @Test
    void nonBlockingModeIsRefused() throws IOException {
        Path f = dir.resolve("nb.gz");
        try (IoChannel w = IoChannels.open(uri(f) + "?mode=w")) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> w.setBlocking(false));
            assertTrue(e.getMessage().contains("blocking mode only"), e.getMessage());
            assertTrue(w.isBlocking());
        }
    }
}
