package selfheal.heal;

/**
 * What happened to one request: the reply, and everything its audit record needs. Built only through the
 * factories below, one per way a request can end.
 *
 * @param request the line as received; null when no complete line was read
 * @param command the command or built-in the line named; null when none was chosen
 * @param exit the script's exit code; null when nothing ran or it was killed at its timeout
 * @param detail the script's output, or why the request was refused; null when there is nothing to add
 * @param lineComplete whether no reader is left blocked on the input, so that the rest can be drained
 * @param evidence the bundle kept before the run, or why none was; null when the command collects none
 */
record Handled(Reply reply, byte[] request, String command, Integer exit, String detail, boolean lineComplete,
               Evidence.Kept evidence) {
    static final String NOT_IN_ALLOW = "peer not in allow";

    Handled(Reply reply, byte[] request, String command, Integer exit, String detail, boolean lineComplete) {
        this(reply, request, command, exit, detail, lineComplete, null);
    }

    /** This record with the evidence kept before its run, its id added to the reply. */
    Handled withEvidence(Evidence.Kept kept) {
        if (kept == null) {
            return this;
        }
        return new Handled(kept.id() == null ? reply : reply.withEvidence(kept.id()), request, command, exit,
                detail, lineComplete, kept);
    }

    /** No complete line arrived (read deadline, a read error, a failure before reading ended). */
    static Handled unread(Reply reply, String detail) {
        return new Handled(reply, null, null, null, detail, false);
    }

    /** Anything unexpected, anywhere: ERR internal, and nothing of the request is trusted or drained. */
    static Handled crashed(Throwable e) {
        return unread(Reply.error(Reply.Reason.INTERNAL), e.toString());
    }

    /**
     * A resident listener's peer outside {@code allow}, turned away before a byte is read so that it cannot
     * hold a connection slot for {@code read.timeout}. No reader is left blocked: what did arrive is drained.
     */
    static Handled deniedBeforeReading() {
        return deniedBeforeReading(0);
    }

    /** The same, with how many refusals from this address before it went without a record of their own. */
    static Handled deniedBeforeReading(long unrecorded) {
        return new Handled(Reply.error(Reply.Reason.DENIED), null, null, null,
                NOT_IN_ALLOW + "; refused before reading (resident)"
                        + (unrecorded > 0 ? "; " + unrecorded + " more before this, unrecorded" : ""), true);
    }

    /** A peer outside {@code allow} after its line was read: the record shows what it asked for. */
    static Handled denied(byte[] line) {
        return refused(Reply.error(Reply.Reason.DENIED), line, NOT_IN_ALLOW);
    }

    /**
     * This failed read, answered {@code ERR denied} instead because the peer is outside {@code allow}: such a
     * peer learns nothing about what was wrong with its line.
     */
    Handled deniedInstead() {
        return new Handled(Reply.error(Reply.Reason.DENIED), null, null, null, NOT_IN_ALLOW, lineComplete);
    }

    /** A line refused before it named any command: malformed, too long, not whitelisted, no valid config. */
    static Handled refused(Reply reply, byte[] line, String detail) {
        return new Handled(reply, line, null, null, detail, true);
    }

    /** A line that named {@code command}, refused without running it: arguments, busy, budget, internal. */
    static Handled refused(Reply reply, byte[] line, String command, String detail) {
        return new Handled(reply, line, command, null, detail, true);
    }

    /** This record with {@code note} added to its detail. */
    Handled noting(String note) {
        return new Handled(reply, request, command, exit, detail == null || detail.isEmpty() ? note
                : detail + "; " + note, lineComplete, evidence);
    }

    /** A command that ran well moments ago, answered OK without running it again ({@link Settle}). */
    static Handled settling(Reply reply, byte[] line, String command, String detail) {
        return new Handled(reply, line, command, null, detail, true);
    }

    /** A built-in (ping, help) answered; nothing ran. */
    static Handled answered(Reply reply, byte[] line, String builtIn) {
        return new Handled(reply, line, builtIn, null, null, true);
    }

    /** The command's script ran: its exit code (none if it was killed at its timeout) and its output. */
    static Handled ran(Reply reply, byte[] line, String command, ScriptRunner.Outcome outcome) {
        return new Handled(reply, line, command, outcome.timedOut() ? null : outcome.exit(), outcome.output(),
                true);
    }
}
