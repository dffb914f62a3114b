package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A third party's provider jar for {@code --provider-path}: the module in
 * {@code src/test/third-party/org.example.qio.pipes}, compiled with javac against the cli's module
 * path and packed with jar into {@code target/third-party}, both as child processes, once per test
 * JVM. Maven never sees it, so it is loaded only through the module layer the command builds for it.
 */
final class ThirdParty {
    private ThirdParty() {}

    private static Path jar;

    /** The jar, built on first use. */
    static synchronized Path jar() throws IOException, InterruptedException {
        if (jar == null) {
            Path src = Path.of("src", "test", "third-party", "org.example.qio.pipes")
                    .toAbsolutePath();
            Path work = Path.of("target", "third-party").toAbsolutePath();
            deleteTree(work);
            Path classes = work.resolve("classes");
            List<String> javac = new ArrayList<>(List.of(
                    tool("javac"),
                    "-d",
                    classes.toString(),
                    "--module-path",
                    System.getProperty("qio.test.modulePath")));
            try (Stream<Path> files = Files.walk(src)) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .map(Path::toString)
                        .forEach(javac::add);
            }
            exec(javac);
            Path built = work.resolve("org.example.qio.pipes.jar");
            exec(List.of(tool("jar"), "--create", "--file", built.toString(), "-C", classes.toString(), "."));
            jar = built;
        }
        return jar;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
