package selfheal.check.worker;

/** The request did not produce a usable response; {@link #kind} decides the state. */
final class ProbeFailure extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind { TIMEOUT, UNREACHABLE, TOO_LARGE }

    private final Kind kind;

    ProbeFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
