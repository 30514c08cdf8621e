package selfheal.plugin;

/** The command line is wrong: the plugin answers UNKNOWN (exit 3) with this message. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
