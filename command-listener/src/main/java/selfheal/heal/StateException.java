package selfheal.heal;

import java.io.IOException;

/**
 * State the listener cannot trust: a state directory others could write to, a budget ledger that cannot be
 * read or parsed, a state file planted as a symbolic link. Heals of the command are refused ({@code ERR state})
 * until an operator has looked; never is budget granted instead.
 */
final class StateException extends IOException {
    private static final long serialVersionUID = 1L;

    StateException(String message) {
        super(message);
    }

    StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
