package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import selfheal.plugin.CheckResult;
import selfheal.plugin.PerfData;
import selfheal.plugin.Seconds;
import selfheal.plugin.Status;
import selfheal.plugin.SubCheck;

/**
 * Turns one response into check_worker's result: one part per criterion (the document's verdict, the
 * response time, --expect, --string, --regex, each --value, each --stale, the document's components, the
 * response itself), combined by the worst-of rule.
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
        double seconds = response.elapsed().toNanos() / 1e9;
        if (options.onRedirect() != null && response.isRedirect()) {
            return new CheckResult(SERVICE, List.of(
                    SubCheck.of(options.onRedirect(), response.statusLine() + ", redirect to "
                            + selfheal.plugin.Characters.printable(response.location(), 200)),
                    time(seconds), size(response), certificate(response)));
        }
        Document document = Document.of(response);
        DocumentReport report = report(document);
        List<SubCheck> parts = new ArrayList<>();
        parts.add(verdict(report));
        parts.add(httpStatus(response, report));
        parts.add(time(seconds));
        parts.add(size(response));
        parts.add(certificate(response));
        parts.add(expect(response));
        parts.add(string(response));
        parts.add(regex(response));
        for (ValueCheck v : options.values()) {
            parts.add(value(v, document.json()));
        }
        for (StaleCheck stale : options.stale()) {
            parts.add(stale(stale, document.json()));
        }
        parts.add(components(report));
        parts.add(response(response, seconds));
        return new CheckResult(SERVICE, parts);
    }

    /** The document's own state (made worse by its components'), and the headline that names the failing ones. */
    private static SubCheck verdict(DocumentReport report) {
        return SubCheck.of(report.status(), headline(report));
    }

    /**
     * The HTTP status beside a status document: a 4xx is at least WARNING and a 5xx at least CRITICAL, as
     * check_http judges them, whatever the document claims (an endpoint that errors while saying it is healthy
     * is at fault). Said only when it is worse than the document; Dropwizard's 501 for "none registered" is
     * that format's own way of saying UNKNOWN.
     */
    private static SubCheck httpStatus(HttpResponse response, DocumentReport report) {
        Status http = HttpStatusFormat.map(response.code());
        boolean errorCode = response.code() >= 400 && response.code() < 600;
        if (!errorCode || report.status().worst(http) == report.status() || DropwizardFormat.noneRegistered(report)) {
            return SubCheck.passed();
        }
        return SubCheck.of(http, "HTTP status is a " + (response.code() >= 500 ? "server" : "client") + " error");
    }

    /** -w/-c on the response time, always in perfdata. */
    private SubCheck time(double seconds) {
        Status s = options.time().evaluate(seconds);
        return SubCheck.measured(s, "response time " + Seconds.text(seconds), List.of(),
                Seconds.perfData(seconds, options.time(), options.standard().timeout()));
    }

    /** The body's size, in perfdata only, as check_http has it. */
    private static SubCheck size(HttpResponse response) {
        return new SubCheck(Status.OK, "", List.of(), List.of(new PerfData("size", response.size(), "B", null, 0.0, null)));
    }

    /** -C: the days left on the server's certificate. */
    private SubCheck certificate(HttpResponse response) {
        WorkerOptions.CertificateDays days = options.certificateDays();
        if (days == null || response.certificateExpiry() == null) {
            return SubCheck.passed();
        }
        // check_http's rule: whole days left; WARNING at or under the first number, CRITICAL at or under the second
        java.time.Duration remaining = java.time.Duration.between(now, response.certificateExpiry());
        long left = remaining.toDays();
        Status s = remaining.isNegative() || left <= days.crit() ? Status.CRITICAL
                : left <= days.warn() ? Status.WARNING : Status.OK;
        String when = response.certificateExpiry().toString().substring(0, 10);
        return SubCheck.of(s, s == Status.OK ? "" : left < 0 ? "certificate expired on " + when
                : "certificate expires in " + left + " days (" + when + ")");
    }

    /** --expect: the HTTP status must be one of the codes given. */
    private SubCheck expect(HttpResponse response) {
        if (options.expect().isEmpty() || options.expect().contains(response.code())) {
            return SubCheck.passed();
        }
        return SubCheck.of(Status.CRITICAL, response.statusLine() + " not in --expect");
    }

    /** --string: the body must contain the text. */
    private SubCheck string(HttpResponse response) {
        if (options.string() == null || response.body().contains(options.string())) {
            return SubCheck.passed();
        }
        return SubCheck.of(Status.CRITICAL, "string '" + options.string() + "' not found");
    }

    /** --regex: the body must match. */
    private SubCheck regex(HttpResponse response) {
        if (options.regex() == null || options.regex().foundIn(response.body())) {
            return SubCheck.passed();
        }
        return SubCheck.of(Status.CRITICAL, "pattern '" + options.regex() + "' not found");
    }

    /** One --value: the number at its pointer against its ranges, with a detail line and perfdata. */
    private static SubCheck value(ValueCheck v, Object json) {
        Object node = v.pointer().resolve(json);
        Double value = JsonReader.number(node);
        if (value == null || json == null) {
            return SubCheck.of(Status.UNKNOWN, json == null ? "no JSON body for " + v.pointer()
                    : node == null ? "no value at " + v.pointer() : "value at " + v.pointer() + " is not a number");
        }
        Status s = v.thresholds().evaluate(value);
        String unit = v.unitIn(json);
        return SubCheck.measured(s, v.label() + " " + PerfData.number(value),
                List.of("[" + s.name() + "] " + v.label() + " = " + PerfData.number(value) + " " + unit),
                new PerfData(v.label(), value, unit, v.thresholds(), null, null));
    }

    /** One --stale: the age of a heartbeat against its ranges, with a detail line and perfdata. */
    private SubCheck stale(StaleCheck stale, Object json) {
        double age;
        try {
            if (json == null) {
                throw new NotThisFormat("no JSON body for --stale " + stale.target());
            }
            age = Seconds.forPeople(stale.ageSeconds(json, now));
        } catch (NotThisFormat e) {
            return SubCheck.of(Status.UNKNOWN, e.getMessage());
        }
        Status s = stale.thresholds().evaluate(age);
        return SubCheck.measured(s, stale.target() + " stale for " + PerfData.number(age) + " s",
                List.of("[" + s.name() + "] " + stale.label() + " = " + PerfData.number(age) + " s"),
                new PerfData(stale.label(), age, "s", stale.thresholds(), 0.0, null));
    }

    /** The document's components, one long-output line each. */
    private static SubCheck components(DocumentReport report) {
        List<String> lines = new ArrayList<>();
        Status worst = Status.OK;
        for (Component c : report.components()) {
            lines.add(c.line());
            worst = worst.worst(c.status());
        }
        return new SubCheck(worst, "", lines, List.of());
    }

    /** The HTTP status and the time it took; with -v the request, with -vv the body too. */
    private SubCheck response(HttpResponse response, double seconds) {
        List<String> lines = new ArrayList<>();
        if (options.standard().verbosity() > 0) {
            lines.add("GET " + options.endpoint() + " -> " + response.statusLine() + ", "
                    + (response.contentType().isEmpty() ? "no content type" : response.contentType()) + ", "
                    + response.body().length() + " chars");
        }
        if (options.standard().verbosity() > 1) {
            lines.add("body: " + JsonReader.brief(response.body()));
        }
        return new SubCheck(Status.OK, response.statusLine() + " in " + Seconds.text(seconds), lines, List.of());
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
