package selfheal.plugin;

import java.util.List;

/**
 * The whole answer of a plugin: its parts, one per criterion, in the order their summaries, long-output
 * lines and perfdata are written. The state is the worst of theirs. {@link #render()} is the only place
 * that formats plugin output.
 *
 * @param service the service word that starts the first line, e.g. WORKER
 */
public record CheckResult(String service, List<SubCheck> parts) {

    public CheckResult {
        if (service == null || service.isBlank() || parts == null) {
            throw new IllegalArgumentException("a result needs a service name and its parts");
        }
        parts = List.copyOf(parts);
    }

    /** A result of one part: a state and its summary. */
    public static CheckResult of(String service, Status status, String summary) {
        return new CheckResult(service, List.of(SubCheck.of(status, summary)));
    }

    /** The worst state of the parts, by {@link Status#worst}; OK for none. */
    public Status status() {
        Status worst = Status.OK;
        for (SubCheck part : parts) {
            worst = worst.worst(part.status());
        }
        return worst;
    }

    /** The parts' summaries in order, those with nothing to say left out, joined by ", ". */
    public String summary() {
        StringBuilder summary = new StringBuilder();
        for (SubCheck part : parts) {
            if (!part.summary().isEmpty()) {
                summary.append(summary.length() == 0 ? "" : ", ").append(part.summary());
            }
        }
        return summary.toString();
    }

    /**
     * {@code SERVICE STATE - summary | perfdata}, then one line per detail. Text never carries a '|'
     * (Nagios would take the rest as perfdata) nor a line break (it would split the summary).
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(service).append(' ').append(status().name()).append(" - ").append(Characters.forOutput(summary()));
        String bar = " |";
        for (SubCheck part : parts) {
            for (PerfData p : part.perfData()) {
                out.append(bar).append(' ').append(p.render());
                bar = "";
            }
        }
        out.append('\n');
        for (SubCheck part : parts) {
            for (String line : part.details()) {
                out.append(Characters.forOutput(line)).append('\n');
            }
        }
        return out.toString();
    }
}
