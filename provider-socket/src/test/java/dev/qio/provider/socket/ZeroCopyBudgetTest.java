package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ENOBUFS} from the zero-copy budget, forced: {@link ZeroCopyBudgetMain} runs in a private
 * network namespace ({@code unshare -n}, its own loopback) whose {@code net.core.optmem_max}
 * holds one completion notification but not two, so nothing outside the test sees the change.
 * Needs root (to make the namespace and write its sysctl) and {@code unshare} and {@code ip}
 * (Debian util-linux, iproute2); skipped, saying which, without them.
 */
@Timeout(120)
class ZeroCopyBudgetTest {
    @TempDir
    Path dir;

    /** A second zero-copy write finds the budget spent: it flushes and tries again, and every byte arrives. */
    @Test
    void aWriteThatFindsTheBudgetSpentFlushesAndRetries() throws Exception {
        String out = run(1000, 8);
        assertTrue(out.startsWith("ok retries="), out);
        long retries = Long.parseLong(out.substring("ok retries=".length(), out.indexOf(' ', 3)));
        assertTrue(retries >= 1, "no write met ENOBUFS, so the retry was not exercised: " + out);
    }

    /** With no budget at all the first write has nothing to flush: it fails, naming the limit. */
    @Test
    void noBudgetAtAllIsAnErrorNamingIt() throws Exception {
        String out = run(0, 1);
        assertTrue(out.startsWith("error ") && out.contains("cannot lock enough memory for MSG_ZEROCOPY"), out);
    }

    private String run(int optmem, int count) throws Exception {
        assumeTrue(TestSupport.nativeExpected(), "zero-copy needs the native backend (-Dqio.native=false here)");
        assumeTrue(isRoot(), "forcing ENOBUFS needs root: a network namespace and its net.core.optmem_max");
        Child.assumeInstalled("unshare", "--version", "util-linux");
        Child.assumeInstalled("ip", "-V", "iproute2");
        List<String> cmd = new ArrayList<>(List.of(
                "unshare",
                "-n",
                "sh",
                "-c",
                "ip link set lo up && echo \"$0\" > /proc/sys/net/core/optmem_max && exec \"$@\"",
                String.valueOf(optmem)));
        List<String> java = FdAdoptionTest.javaCommand();
        java.set(java.size() - 1, ZeroCopyBudgetMain.class.getName());
        cmd.addAll(java);
        cmd.add(String.valueOf(count));
        try (Child child = Child.start(dir, cmd)) {
            assertEquals(0, child.awaitExit(), () -> "the child failed: " + output(child));
            List<String> lines = output(child)
                    .lines()
                    .filter(l -> l.startsWith("ok") || l.startsWith("error"))
                    .toList();
            assertEquals(1, lines.size(), () -> "one result line expected: " + output(child));
            return lines.get(0);
        }
    }

    private static String output(Child child) {
        try {
            return child.output();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0"); // effective uid
            }
        }
        return false;
    }
}
