package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Python's {@code websockets} library as the peer: as a client of a qio listener, and as the
 * server a qio client opens. Both echo 1 MiB of random bytes, compared byte for byte.
 */
@Timeout(120)
class WsInteropPythonTest {
    private static final int SIZE = 1 << 20;

    /** Sends SIZE bytes from a seed in messages of growing sizes, reads the echo, checks it. */
    private static final String CLIENT = """
            import asyncio, random, sys, websockets
            async def main(port, size, seed):
                data = random.Random(seed).randbytes(size)
                async with websockets.connect(f"ws://127.0.0.1:{port}/echo", subprotocols=["binary"],
                                              max_size=None) as ws:
                    assert ws.subprotocol == "binary", ws.subprotocol
                    async def send():
                        off, k = 0, 1
                        while off < size:
                            n = min(size - off, 997 * k)
                            await ws.send(data[off:off + n])
                            off, k = off + n, k + 1
                    sender = asyncio.create_task(send())
                    got = bytearray()
                    while len(got) < size:
                        m = await ws.recv()
                        assert isinstance(m, bytes), type(m)
                        got += m
                    await sender
                    assert bytes(got) == data, "echo differs"
                print("ok", flush=True)
            asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
            """;

    /** Serves an echo on a free port, printing the port; ends after one client. */
    private static final String SERVER = """
            import asyncio, sys, websockets
            async def main():
                done = asyncio.get_running_loop().create_future()
                async def echo(ws):
                    try:
                        async for m in ws:
                            await ws.send(m)
                    finally:
                        done.set_result(ws.subprotocol)
                async with websockets.serve(echo, "127.0.0.1", 0, subprotocols=["binary"], max_size=None) as server:
                    print(server.sockets[0].getsockname()[1], flush=True)
                    print("subprotocol", await done, flush=True)
            asyncio.run(main())
            """;

    @Test
    void pythonClientAgainstQioServer() throws Exception {
        String python = Peers.pythonWithWebsockets();
        Path script = Peers.script("client.py", CLIENT);
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0/echo")) {
            Process py = new ProcessBuilder(
                            python,
                            script.toString(),
                            String.valueOf(listener.localUri().getPort()),
                            String.valueOf(SIZE),
                            "7")
                    .redirectErrorStream(true)
                    .start();
            try (IoChannel peer = listener.accept()) {
                assertEquals("binary", ((WsChannel) peer).subprotocol());
                ByteBuffer buf = ByteBuffer.allocateDirect(40_000);
                while (peer.read(buf.clear()) != IoChannel.EOF) { // until Python's close frame
                    peer.writeAll(buf.flip());
                }
            } finally {
                String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean ended = py.waitFor(60, TimeUnit.SECONDS);
                if (!ended) {
                    py.destroyForcibly();
                }
                assertEquals(0, ended ? py.exitValue() : -1, "python client: " + out);
                assertEquals("ok", out.strip(), out);
            }
        }
    }

    @Test
    void qioClientAgainstPythonServer() throws Exception {
        String python = Peers.pythonWithWebsockets();
        Path script = Peers.script("server.py", SERVER);
        Process py = new ProcessBuilder(python, script.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
            String port = lines.readLine();
            byte[] data = Peers.random(SIZE, 11);
            byte[] got = new byte[SIZE];
            try (IoChannel ws = IoChannels.open("ws+tcp://127.0.0.1:" + port + "/")) {
                assertEquals("binary", ((WsChannel) ws).subprotocol());
                CompletableFuture<Void> writer = Peers.writeGrowing(ws, data, 1013);
                ws.readAll(ByteBuffer.wrap(got));
                writer.get(60, TimeUnit.SECONDS);
                ws.shutdown(Shutdown.WRITE); // a close frame: Python answers with its own
                assertEquals(IoChannel.EOF, ws.read(ByteBuffer.allocate(1)), "Python's close frame reads as EOF");
            }
            assertArrayEquals(data, got, "the echo from Python differs");
            assertEquals("subprotocol binary", lines.readLine());
            assertEquals(true, py.waitFor(60, TimeUnit.SECONDS), "the Python server ends after its client");
        } finally {
            py.destroyForcibly();
        }
    }
}
