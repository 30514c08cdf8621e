package selfheal.demo;

/** A command line foo cannot run with; the message says what is wrong. */
final class BadOption extends Exception {
    private static final long serialVersionUID = 1L;

    BadOption(String message) {
        super(message);
    }
}
