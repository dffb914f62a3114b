package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fd:} from a process started with inherited descriptors, as a service manager starts one:
 * a Python parent binds a unix listener, makes a socketpair and a pipe, and execs a JVM running
 * {@link AdoptedMain} with them as descriptors 3, 4 and 5 and the systemd activation variables set
 * for descriptor 3. The parent is the peer of each: it connects and talks, and reads the pipe.
 */
@Timeout(120)
class FdAdoptionTest {

    private static final String LAUNCHER = """
            import fcntl, os, socket, sys
            path, mode, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
            lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); lst.bind(path); lst.listen(4)
            a, b = socket.socketpair()
            r, w = os.pipe()
            high = [fcntl.fcntl(f, fcntl.F_DUPFD, 100) for f in (lst.fileno(), b.fileno(), w)]
            pid = os.fork()
            if pid == 0:
                for i, f in enumerate(high):
                    os.dup2(f, 3 + i)
                env = dict(os.environ, LISTEN_FDS='1', LISTEN_FDNAMES='web',
                           LISTEN_PID=str(os.getpid()) if mode != 'other' else '1')
                os.execve(argv[0], argv, env)
            for f in high + [w]:
                os.close(f)
            b.close(); lst.close()
            def say(*parts):  # one write per line: the child JVM writes to the same pipe
                sys.stdout.write(' '.join(str(p) for p in parts) + '\\n')
                sys.stdout.flush()
            def exchange(s, data):
                s.sendall(data)
                got = b''
                while len(got) < len(data):
                    more = s.recv(len(data) - len(got))
                    if not more:
                        break
                    got += more
                return got.decode()
            if mode == 'self':
                c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(path)
                say('peer listener', exchange(c, b'abcd'))
                say('peer pair', exchange(a, b'wxyz'), exchange(a, b'qrst'))
                data = b''
                while True:
                    more = os.read(r, 100)
                    if not more:
                        break
                    data += more
                say('peer pipe', data.decode())
            _, status = os.waitpid(pid, 0)
            say('exit', os.waitstatus_to_exitcode(status))
            """;

    /** The java command and a class path with this module, its dependencies and its tests. */
    static List<String> javaCommand() throws IOException {
        Set<String> cp = new LinkedHashSet<>();
        for (String prop : List.of("java.class.path", "jdk.module.path")) {
            for (String e : System.getProperty(prop, "").split(File.pathSeparator)) {
                if (!e.isEmpty()) {
                    cp.add(e);
                }
            }
        }
        try {
            cp.add(Path.of(AdoptedMain.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
            cp.add(Path.of(FdProvider.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                String.join(File.pathSeparator, cp),
                AdoptedMain.class.getName()));
    }

    private static List<String> run(String mode, String... steps) throws IOException {
        List<String> args =
                new ArrayList<>(List.of(TestSupport.freshSocketPath().toString(), mode));
        args.addAll(javaCommand());
        args.addAll(List.of(steps));
        List<String> lines = new ArrayList<>();
        try (PythonPeer py = PythonPeer.start(LAUNCHER, args.toArray(String[]::new))) {
            for (String l = py.lineOrNull(); l != null; l = py.lineOrNull()) {
                lines.add(l);
            }
            assertEquals(0, py.exitCode(), "launcher: " + lines);
        }
        return lines;
    }

    private static void nativeOnly() {
        assumeTrue(TestSupport.nativeExpected(), "fd: needs the native backend (-Dqio.native=false here)");
    }

    @Test
    void inheritedSocketsPipeAndActivatedListenerWork() throws IOException {
        nativeOnly();
        List<String> lines =
                run("self", "serve:fd:listen?name=web", "echo:fd:4?dup=true", "echo-nativefd:4", "write:fd:5");
        String all = String.join("\n", lines);
        assertTrue(lines.contains("peer listener abcd"), all);
        assertTrue(lines.contains("peer pair wxyz qrst"), all);
        assertTrue(lines.contains("peer pipe file"), all);
        assertTrue(lines.contains("exit 0"), all);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("served abcd local unix:///")
                                && l.endsWith("[FD_PASS, SHUTDOWN, READ_MSG_PEEK, CONCURRENT_IO]")),
                all); // a unix socket's features
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("echoed wxyz on fd:4?dup=true features ")
                                && l.contains("SHUTDOWN")
                                && l.contains("FD_PASS")),
                all); // an adopted unix socket passes descriptors as unix: does
        assertTrue(lines.contains("echoed qrst through NativeFd, still the caller's: true"), all);
        assertTrue(lines.contains("wrote on fd:5 features []"), all); // a pipe: a file channel, not seekable
    }

    @Test
    void activationForAnotherPidAndUnknownNamesAreErrorsNamingThem() throws IOException {
        nativeOnly();
        List<String> lines = run("other", "serve:fd:listen");
        String all = String.join("\n", lines);
        assertTrue(
                lines.stream()
                        .anyMatch(l ->
                                l.startsWith("error serve:fd:listen: fd:listen: LISTEN_PID=1 names another process")),
                all);
        lines = run("self-quiet", "serve:fd:listen?name=nope", "echo:fd:3", "echo:fd:99");
        all = String.join("\n", lines);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.contains("no activated descriptor is named 'nope'") && l.contains("[web]")),
                all);
        assertTrue(lines.stream().anyMatch(l -> l.contains("descriptor 3 is a listening socket: use listen")), all);
        assertTrue(lines.stream().anyMatch(l -> l.contains("fd:99: descriptor 99 is not an open descriptor")), all);
    }

    @Test
    void badNumbersAndMissingActivationAreErrorsNamingThem() {
        nativeOnly();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open("fd:abc"));
        assertTrue(e.getMessage().contains("'abc' is not a descriptor number"), e.getMessage());
        IOException io = assertThrows(IOException.class, () -> IoChannels.open("fd:99999"));
        assertTrue(io.getMessage().contains("descriptor 99999 is not an open descriptor"), io.getMessage());
        assumeTrue(System.getenv("LISTEN_FDS") == null, "this test JVM was socket-activated itself");
        io = assertThrows(IOException.class, () -> IoChannels.listen("fd:listen"));
        assertTrue(io.getMessage().contains("LISTEN_FDS is not set"), io.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open("fd:0?bogus=1"));
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
    }

    /** systemd's own launcher, where Debian's systemd package provides it, as the parent. */
    @Test
    void systemdSocketActivateStartsAListener() throws Exception {
        nativeOnly();
        Path launcher = Path.of("/usr/bin/systemd-socket-activate");
        assumeTrue(java.nio.file.Files.isExecutable(launcher), "no " + launcher + " (Debian: systemd)");
        Path socket = TestSupport.freshSocketPath();
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "-l", socket.toString(), "--fdname=web"));
        cmd.addAll(javaCommand());
        cmd.add("serve:fd:listen?name=web");
        Process p = new ProcessBuilder(cmd).start();
        try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()));
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line = err.readLine(); // "Listening on ... as 3." once it listens
            assertTrue(line != null && line.startsWith("Listening on"), "systemd-socket-activate said: " + line);
            try (IoChannel c = IoChannels.open(TestSupport.unixUri(socket))) {
                c.writeAll(dev.qio.testkit.TestIo.ascii("sysd"));
                assertEquals("sysd", dev.qio.testkit.TestIo.readAscii(c, 4));
            }
            String result = out.readLine();
            assertTrue(result != null && result.startsWith("served sysd local unix://" + socket), result);
            assertTrue(
                    p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the activated JVM exits after one client");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** The number of this process's descriptor open on {@code file}, found in /proc/self/fd. */
    private static int descriptorOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    if (java.nio.file.Files.readSymbolicLink(p).equals(real)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the directory stream's own descriptor, closed meanwhile
                }
            }
        }
        throw new AssertionError("no descriptor of this process is open on " + file);
    }

    /** A regular file: QEMU's file channel, SEEKABLE; with dup=true the original stays open and usable. */
    @Test
    void aRegularFileIsASeekableFileChannel() throws IOException {
        nativeOnly();
        Path f = java.nio.file.Files.createTempFile("qio-fd", ".txt");
        java.nio.file.Files.writeString(f, "hello world");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            String uri = "fd:" + descriptorOf(f) + "?dup=true";
            try (IoChannel c = IoChannels.open(uri)) {
                assertEquals(Set.of(dev.qio.channel.Feature.SEEKABLE), c.features());
                assertEquals("hello", dev.qio.testkit.TestIo.readAscii(c, 5));
                assertEquals(6, c.seek(6, dev.qio.channel.Whence.SET));
                java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(5);
                assertEquals(5, c.preadv(new java.nio.ByteBuffer[] {direct}, 6));
                assertEquals(
                        "world",
                        java.nio.charset.StandardCharsets.US_ASCII
                                .decode(direct.flip())
                                .toString());
                c.pwritev(new java.nio.ByteBuffer[] {dev.qio.testkit.TestIo.ascii("HELLO")}, 0);
                assertEquals("world", dev.qio.testkit.TestIo.readAscii(c, 5));
                assertEquals(IoChannel.EOF, c.read(java.nio.ByteBuffer.allocate(1)));
            }
            raf.seek(0);
            assertEquals("HELLO world", raf.readLine());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void withoutTheNativeBackendTheSchemeIsUnavailableAndSaysWhy() {
        assumeTrue(!TestSupport.nativeExpected(), "the native backend serves fd:");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IoChannels.open("fd:0"));
        assertTrue(
                e.getMessage().contains("Linux-native") && e.getMessage().contains("qio.native=false"), e.getMessage());
    }

    @Test
    void activationVariablesAreCheckedBeforeAnyDescriptorIsTouched() {
        String u = "fd:listen";
        IOException e = assertThrows(IOException.class, () -> Activation.of(java.util.Map.of("LISTEN_FDS", "1"), 7, u));
        assertTrue(e.getMessage().contains("LISTEN_PID is not set"), e.getMessage());
        e = assertThrows(
                IOException.class, () -> Activation.of(java.util.Map.of("LISTEN_FDS", "x", "LISTEN_PID", "7"), 7, u));
        assertTrue(e.getMessage().contains("LISTEN_FDS=x"), e.getMessage());
        e = assertThrows(
                IOException.class,
                () -> Activation.of(
                        java.util.Map.of("LISTEN_FDS", "2", "LISTEN_PID", "7", "LISTEN_FDNAMES", "a"), 7, u));
        assertTrue(e.getMessage().contains("LISTEN_FDNAMES=a has 1 names"), e.getMessage());
        e = assertThrows(
                IOException.class,
                () -> Activation.of(
                                java.util.Map.of("LISTEN_FDS", "2", "LISTEN_PID", "7", "LISTEN_FDNAMES", "a:b"), 7, u)
                        .take(null, u));
        assertTrue(
                e.getMessage().contains("choose one with ?name=NAME")
                        && e.getMessage().contains("[a, b]"),
                e.getMessage());
    }
}
