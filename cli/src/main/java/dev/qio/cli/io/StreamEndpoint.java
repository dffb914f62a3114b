package dev.qio.cli.io;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.OptionalLong;

/**
 * {@code -}: reads standard input, writes standard output. Errors name {@code stdin} or
 * {@code stdout}. {@link #endOutput()} and {@link #close()} close standard output (so a reader
 * downstream sees end of stream) and leave standard input alone.
 */
final class StreamEndpoint implements Endpoint {
    private final InputStream in;
    private final OutputStream out;
    private final ReadableByteChannel input;
    private final WritableByteChannel output;
    private volatile boolean outputEnded;

    StreamEndpoint(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
        this.input = in instanceof FileInputStream f ? f.getChannel() : Channels.newChannel(in);
        this.output = out instanceof FileOutputStream f ? f.getChannel() : Channels.newChannel(out);
    }

    @Override
    public String name() {
        return "-";
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            int n;
            do {
                n = input.read(dst);
            } while (n == 0 && dst.hasRemaining());
            return n;
        } catch (IOException e) {
            throw new IOException("stdin: " + Failures.describe(e), e);
        }
    }

    @Override
    public void writeAll(ByteBuffer src) throws IOException {
        if (outputEnded) {
            throw new IOException("stdout: already closed");
        }
        try {
            while (src.hasRemaining()) {
                output.write(src);
            }
        } catch (IOException e) {
            throw BrokenPipeException.isBrokenPipe(e)
                    ? new BrokenPipeException(e)
                    : new IOException("stdout: " + Failures.describe(e), e);
        }
    }

    @Override
    public void endOutput() throws IOException {
        if (outputEnded) {
            return;
        }
        outputEnded = true;
        try {
            out.flush();
            output.close();
        } catch (IOException e) {
            throw new IOException("stdout: " + Failures.describe(e), e);
        }
    }

    @Override
    public OptionalLong remaining() {
        if (in instanceof FileInputStream f) {
            try {
                FileChannel file = f.getChannel();
                long size = file.size();
                long position = file.position();
                if (size > 0 && position <= size) {
                    return OptionalLong.of(size - position);
                }
            } catch (IOException e) {
                // a pipe or a terminal: no size
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() throws IOException {
        endOutput();
    }

    @Override
    public String toString() {
        return "-";
    }
}
