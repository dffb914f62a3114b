package dev.qio.provider.command;

import java.io.IOException;
import java.util.List;

/**
 * Thrown by {@link CommandChannel#close()} when the child exited with a non-zero status the
 * channel did not cause (see {@link CommandChannel}). The channel is closed and the child reaped
 * when it is thrown; catch it to accept a status, as for {@code grep}'s 1.
 */
public final class CommandExitException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The argv; transient: a deserialised instance reports an empty one. */
    private final transient List<String> command;

    private final int exitStatus;

    /**
     * @param channelName the channel's name, which starts the message
     * @param command the child's argv, not empty
     * @param exitStatus its exit status, non-zero
     * @throws IllegalArgumentException if {@code command} is empty
     */
    public CommandExitException(String channelName, List<String> command, int exitStatus) {
        super(channelName + ": '" + program(command) + "' exited with status " + exitStatus);
        this.command = List.copyOf(command);
        this.exitStatus = exitStatus;
    }

    /** The child's argv. */
    public List<String> command() {
        return command == null ? List.of() : command;
    }

    /** The child's exit status: its exit code, or 128 plus the number of the signal that ended it. */
    public int exitStatus() {
        return exitStatus;
    }

    private static String program(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an exit status needs the argv it belongs to");
        }
        return command.getFirst();
    }
}
