package selfheal.listener;

/** The command line is wrong: the operator gets the message and the usage line, nothing runs. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
