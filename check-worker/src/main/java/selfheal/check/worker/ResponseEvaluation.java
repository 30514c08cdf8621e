package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import selfheal.plugin.CheckResult;
import selfheal.plugin.PerfData;
import selfheal.plugin.Seconds;
import selfheal.plugin.Status;

/**
 * Turns one response into check_worker's result: the status document's verdict, then --expect,
 * --string, --regex, --value, --stale and the response-time thresholds, combined by the worst-of rule.
 */
final class ResponseEvaluation {

    static final String SERVICE = "WORKER";

    private final WorkerOptions options;
    private final java.time.Instant now;

    ResponseEvaluation(WorkerOptions options, java.time.Instant now) {
        this.options = options;
        this.now = now;
    }

    CheckResult evaluate(HttpResponse response) {
        Document document = Document.of(response);
        DocumentReport report = report(document);
        List<Status> states = new ArrayList<>(List.of(report.status()));
        List<String> problems = new ArrayList<>();
        List<String> details = new ArrayList<>();
        List<PerfData> perf = new ArrayList<>();

        double seconds = response.elapsed().toNanos() / 1e9;
        Status timeState = options.time().evaluate(seconds);
        states.add(timeState);
        perf.add(new PerfData("time", Seconds.forPerfData(seconds), "s", options.time(), 0.0, null));
        if (timeState != Status.OK) {
            problems.add("response time " + Seconds.text(seconds));
        }
        if (!options.expect().isEmpty() && !options.expect().contains(response.code())) {
            states.add(Status.CRITICAL);
            problems.add(response.statusLine() + " not in --expect");
        }
        if (options.string() != null && !response.body().contains(options.string())) {
            states.add(Status.CRITICAL);
            problems.add("string '" + options.string() + "' not found");
        }
        if (options.regex() != null && !options.regex().matcher(response.body()).find()) {
            states.add(Status.CRITICAL);
            problems.add("pattern '" + options.regex().pattern() + "' not found");
        }
        for (ValueCheck v : options.values()) {
            Object node = v.pointer().resolve(document.json());
            Double value = JsonReader.number(node);
            if (value == null || document.json() == null) {
                states.add(Status.UNKNOWN);
                problems.add(document.json() == null ? "no JSON body for " + v.pointer()
                        : node == null ? "no value at " + v.pointer() : "value at " + v.pointer() + " is not a number");
                continue;
            }
            Status s = v.thresholds().evaluate(value);
            states.add(s);
            details.add("[" + s.name() + "] " + v.label() + " = " + PerfData.number(value) + " " + v.unitIn(document.json()));
            if (s != Status.OK) {
                problems.add(v.label() + " " + PerfData.number(value));
            }
            perf.add(new PerfData(v.label(), value, v.unitIn(document.json()), v.thresholds(), null, null));
        }
        for (StaleCheck stale : options.stale()) {
            try {
                if (document.json() == null) {
                    throw new NotThisFormat("no JSON body for --stale " + stale.target());
                }
                double age = Seconds.forPeople(stale.ageSeconds(document.json(), now));
                Status s = stale.thresholds().evaluate(age);
                states.add(s);
                details.add("[" + s.name() + "] " + stale.label() + " = " + PerfData.number(age) + " s");
                if (s != Status.OK) {
                    problems.add(stale.target() + " stale for " + PerfData.number(age) + " s");
                }
                perf.add(new PerfData(stale.label(), age, "s", stale.thresholds(), 0.0, null));
            } catch (NotThisFormat e) {
                states.add(Status.UNKNOWN);
                problems.add(e.getMessage());
            }
        }
        for (Component c : report.components()) {
            details.add(c.line());
        }

        List<String> summary = new ArrayList<>();
        summary.add(headline(report));
        summary.addAll(problems);
        summary.add(response.statusLine() + " in " + Seconds.text(seconds));
        if (options.standard().verbosity() > 0) {
            details.add("GET " + options.endpoint() + " -> " + response.statusLine() + ", " + (response.contentType().isEmpty() ? "no content type" : response.contentType()) + ", " + response.body().length() + " chars");
        }
        if (options.standard().verbosity() > 1) {
            details.add("body: " + JsonReader.brief(response.body()));
        }
        return new CheckResult(SERVICE, Status.worstOf(states), String.join(", ", summary), perf, details);
    }

    /** Reads the document in the chosen or detected format; a mismatch is UNKNOWN unless HTTP already says it failed. */
    private DocumentReport report(Document document) {
        HttpResponse response = document.response();
        Format format = options.format() == Format.AUTO ? Format.detect(document) : options.format();
        if (options.format() == Format.AUTO && document.jsonError() != null) {
            return mismatch(document, document.jsonError());
        }
        if (format.isJson() && document.json() == null) {
            return mismatch(document, document.jsonError() != null ? document.jsonError() : "body is not JSON");
        }
        try {
            return format.reader().read(document);
        } catch (NotThisFormat e) {
            return mismatch(document, "body is not " + format.optionName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return mismatch(document, "body is not " + format.optionName() + ": " + selfheal.plugin.Plugin.describe(e));
        }
    }

    private static DocumentReport mismatch(Document document, String why) {
        HttpResponse r = document.response();
        if (!r.isSuccess()) {
            return DocumentReport.of(HttpStatusFormat.NAME, HttpStatusFormat.map(r.code()), r.statusLine(), List.of());
        }
        return DocumentReport.of("unreadable", Status.UNKNOWN, why, List.of());
    }

    private static String headline(DocumentReport report) {
        if (report.format().equals("unreadable")) {
            return report.state();
        }
        if (report.format().equals(HttpStatusFormat.NAME)) {
            return "no status document";
        }
        String head = report.format() + " " + report.state();
        List<Component> failing = report.failing();
        if (!failing.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Component c : failing) {
                names.add(c.name() + " (" + c.state() + ")");
            }
            head += ", failing: " + String.join(", ", names);
        } else if (!report.components().isEmpty()) {
            head += ", " + report.components().size() + (report.components().size() == 1 ? " check" : " checks");
        }
        return head;
    }
}
