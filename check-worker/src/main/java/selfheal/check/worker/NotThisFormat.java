package selfheal.check.worker;

/** The body does not have the shape of the format that was asked for. */
final class NotThisFormat extends Exception {
    private static final long serialVersionUID = 1L;

    NotThisFormat(String message) {
        super(message);
    }
}
