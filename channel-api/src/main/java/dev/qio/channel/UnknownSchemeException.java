package dev.qio.channel;

import java.util.List;

/** Thrown when no installed provider opens a URI's scheme; the message lists the installed ones. */
public class UnknownSchemeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The scheme asked for. */
    private final String scheme;
    /** The schemes installed when it was asked for. */
    private final List<String> installed;

    /**
     * Creates the exception; its message lists the installed schemes.
     *
     * @param scheme the scheme asked for
     * @param installed the schemes that are installed
     */
    public UnknownSchemeException(String scheme, List<String> installed) {
        super("no channel provider for scheme '" + scheme + "'; installed: "
                + (installed.isEmpty() ? "(none)" : String.join(", ", installed)));
        this.scheme = scheme;
        this.installed = List.copyOf(installed);
    }

    /** The scheme that was asked for. */
    public String scheme() {
        return scheme;
    }

    /** The schemes that are installed, sorted. */
    public List<String> installed() {
        return installed;
    }
}
