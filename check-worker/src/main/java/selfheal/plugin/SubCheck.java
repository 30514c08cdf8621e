package selfheal.plugin;

import java.util.List;

/**
 * One criterion's part of a check's answer, as monitoring-plugins' {@code mp_subcheck}: its state, what it
 * adds to the summary line ("" for nothing), its long-output lines and its perfdata. A {@link CheckResult}
 * is a list of them and takes the worst state.
 */
public record SubCheck(Status status, String summary, List<String> details, List<PerfData> perfData) {

    private static final SubCheck PASSED = new SubCheck(Status.OK, "", List.of(), List.of());

    public SubCheck {
        if (status == null) {
            throw new IllegalArgumentException("a sub-check needs a status");
        }
        summary = summary == null ? "" : summary;
        details = List.copyOf(details);
        perfData = List.copyOf(perfData);
    }

    /** A state and what the summary says of it. */
    public static SubCheck of(Status status, String summary) {
        return new SubCheck(status, summary, List.of(), List.of());
    }

    /** OK with nothing to say: a criterion that holds, or that was not asked for. */
    public static SubCheck passed() {
        return PASSED;
    }

    /**
     * A measured number judged by thresholds: {@code problem} goes to the summary only when the state is not
     * OK; the detail lines and the perfdata always.
     */
    public static SubCheck measured(Status status, String problem, List<String> details, PerfData perfData) {
        return new SubCheck(status, status == Status.OK ? "" : problem, details, List.of(perfData));
    }
}
