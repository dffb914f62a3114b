package dev.qio.provider.socket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The listening descriptors systemd (or {@code systemd-socket-activate}, or any launcher that
 * follows {@code sd_listen_fds(3)}) passed to this process: {@code LISTEN_FDS} descriptors from
 * number 3 on, meant for the process whose pid is {@code LISTEN_PID}, named by the colon-separated
 * {@code LISTEN_FDNAMES} (each {@code unknown} when it is not set, as systemd does).
 *
 * <p>Each descriptor can be taken once per process: the listener that takes it owns and closes it,
 * and a second {@code fd:listen} for it is an error rather than a second owner of one number.
 * The environment is not changed (Java cannot unset a variable), so child processes started by
 * this one see the variables, with a {@code LISTEN_PID} that is not theirs.
 */
record Activation(List<String> names) {
    /** {@code SD_LISTEN_FDS_START}. */
    static final int FIRST = 3;

    private static final Set<Integer> TAKEN = new HashSet<>();

    /** The activation of this process. */
    static Activation current(String uri) throws IOException {
        return of(System.getenv(), ProcessHandle.current().pid(), uri);
    }

    /**
     * The activation {@code env} describes for process {@code pid}.
     *
     * @throws IOException naming the variable that is missing, malformed or meant for another pid
     */
    static Activation of(Map<String, String> env, long pid, String uri) throws IOException {
        String fds = env.get("LISTEN_FDS");
        if (fds == null) {
            throw new IOException(uri + ": no socket activation here: LISTEN_FDS is not set (systemd sets it, with "
                    + "LISTEN_PID, for a socket-activated service)");
        }
        String listenPid = env.get("LISTEN_PID");
        if (listenPid == null) {
            throw new IOException(uri + ": LISTEN_FDS=" + fds + " but LISTEN_PID is not set: cannot tell whether the "
                    + "descriptors are meant for this process");
        }
        if (!listenPid.equals(Long.toString(pid))) {
            throw new IOException(uri + ": LISTEN_PID=" + listenPid + " names another process (this is pid " + pid
                    + "): the activated descriptors were passed to it, not to this one");
        }
        int count;
        try {
            count = Integer.parseInt(fds);
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1) {
            throw new IOException(uri + ": LISTEN_FDS=" + fds + " is not a positive count of descriptors");
        }
        String given = env.get("LISTEN_FDNAMES");
        List<String> names =
                given == null ? java.util.Collections.nCopies(count, "unknown") : Arrays.asList(given.split(":", -1));
        if (names.size() != count) {
            throw new IOException(uri + ": LISTEN_FDNAMES=" + given + " has " + names.size() + " names for LISTEN_FDS="
                    + count + " descriptors");
        }
        return new Activation(List.copyOf(names));
    }

    /**
     * Takes the descriptor named {@code name}, or the only one when {@code name} is null.
     *
     * @return its number
     * @throws IOException naming the name when none or several match, or when it was taken already
     */
    int take(String name, String uri) throws IOException {
        List<Integer> match = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (name == null || names.get(i).equals(name)) {
                match.add(i);
            }
        }
        if (match.isEmpty()) {
            throw new IOException(
                    uri + ": no activated descriptor is named '" + name + "'; LISTEN_FDNAMES has " + names);
        }
        if (match.size() > 1) {
            throw new IOException(uri + ": "
                    + (name == null
                            ? "LISTEN_FDS=" + names.size() + " descriptors: choose one" + " with ?name=NAME"
                            : match.size() + " activated descriptors are named '" + name + "'")
                    + "; LISTEN_FDNAMES has " + names);
        }
        int fd = FIRST + match.getFirst();
        synchronized (TAKEN) {
            if (!TAKEN.add(fd)) {
                throw new IOException(uri + ": activated descriptor " + fd + " ('" + names.get(match.getFirst())
                        + "') is already taken by another listener of this process");
            }
        }
        return fd;
    }

    /** Gives back a descriptor {@link #take} gave when adopting it failed before anyone owned it. */
    static void untake(int fd) {
        synchronized (TAKEN) {
            TAKEN.remove(fd);
        }
    }
}
