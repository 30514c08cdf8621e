package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import selfheal.plugin.CheckResult;
import selfheal.plugin.UsageException;

/** What every fuzz target of check_worker asserts about the result it ends in. */
final class FuzzChecks {
    private FuzzChecks() {
    }

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** Options that send a document through every reader: auto format, a --value and a --stale. */
    static WorkerOptions options(String... more) {
        String[] base = {"-H", "worker.selfheal.test", "--value", "/checks/queue:depth/0/observedValue,warn=10",
            "--stale", "worker:heartbeat,warn=60", "--stale", "/time,crit=600"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        try {
            return WorkerOptions.from(new DefaultParser().parse(WorkerOptions.options(), args));
        } catch (ParseException | UsageException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A plugin result as Nagios reads it: one of the four states with its exit code, a first line
     * "WORKER STATE - summary" whose summary has no '|', and no line with a control or line-separator character.
     */
    static void assertPluginOutput(CheckResult result) {
        assertNotNull(result.status());
        int code = result.status().exitCode();
        assertTrue(code >= 0 && code <= 3, String.valueOf(code));
        String out = result.render();
        assertTrue(out.startsWith("WORKER " + result.status().name() + " - "), out);
        assertTrue(out.endsWith("\n"), out);
        String first = out.substring(0, out.indexOf('\n'));
        int bar = first.indexOf(" |");
        String summary = bar < 0 ? first : first.substring(0, bar);
        assertFalse(summary.substring(("WORKER " + result.status().name() + " - ").length()).contains("|"), first);
        for (String line : out.substring(0, out.length() - 1).split("\n", -1)) {
            assertPrintable(line);
        }
    }

    /** No C0 or C1 control character, DEL, or Unicode line or paragraph separator. */
    static void assertPrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                fail("character U+" + Integer.toHexString(c) + " at " + i + " in '" + text + "'");
            }
        }
    }

    static void assertEvaluates(HttpResponse response, WorkerOptions options) {
        assertPluginOutput(new ResponseEvaluation(options, NOW).evaluate(response));
    }

    static HttpResponse response(int code, String contentType, String body) {
        return new HttpResponse(code, "", contentType, body, Duration.ofMillis(12));
    }
}
