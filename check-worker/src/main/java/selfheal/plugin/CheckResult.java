package selfheal.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole answer of a plugin: state, one-line summary, perfdata and long-output lines.
 * {@link #render()} is the only place that formats plugin output.
 *
 * @param service the service word that starts the first line, e.g. WORKER
 */
public record CheckResult(String service, Status status, String summary, List<PerfData> perfData, List<String> details) {

    public CheckResult {
        if (service == null || service.isBlank() || status == null) {
            throw new IllegalArgumentException("a result needs a service name and a status");
        }
        summary = summary == null ? "" : summary;
        perfData = List.copyOf(perfData);
        details = List.copyOf(details);
    }

    public static CheckResult of(String service, Status status, String summary) {
        return new CheckResult(service, status, summary, List.of(), List.of());
    }

    public static CheckResult ok(String service, String summary) {
        return of(service, Status.OK, summary);
    }

    public static CheckResult warning(String service, String summary) {
        return of(service, Status.WARNING, summary);
    }

    public static CheckResult critical(String service, String summary) {
        return of(service, Status.CRITICAL, summary);
    }

    public static CheckResult unknown(String service, String summary) {
        return of(service, Status.UNKNOWN, summary);
    }

    public CheckResult withPerfData(List<PerfData> items) {
        List<PerfData> all = new ArrayList<>(perfData);
        all.addAll(items);
        return new CheckResult(service, status, summary, all, details);
    }

    public CheckResult withDetails(List<String> lines) {
        List<String> all = new ArrayList<>(details);
        all.addAll(lines);
        return new CheckResult(service, status, summary, perfData, all);
    }

    /**
     * {@code SERVICE STATE - summary | perfdata}, then one line per detail. Text never carries a '|'
     * (Nagios would take the rest as perfdata) nor a line break (it would split the summary).
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(service).append(' ').append(status.name()).append(" - ").append(clean(summary));
        if (!perfData.isEmpty()) {
            out.append(" |");
            for (PerfData p : perfData) {
                out.append(' ').append(p.render());
            }
        }
        out.append('\n');
        for (String line : details) {
            out.append(clean(line)).append('\n');
        }
        return out.toString();
    }

    /** Replaces '|' and control characters, which would corrupt Nagios' parsing of the output. */
    static String clean(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(c == '|' ? '/' : c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString().strip();
    }
}
