package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * A status document with any body under any of the content types the formats look at. The ordinary test run
 * replays the seeds in src/test/resources/selfheal/check/worker/StatusFormatFuzzTestInputs; {@code scripts/fuzz}
 * fuzzes the target.
 */
class StatusFormatFuzzTest {

    private static final String[] TYPES = {"application/health+json", "application/json",
        "application/vnd.spring-boot.actuator.v3+json", "text/plain", "", "text/html; charset=utf-8"};
    private static final int[] CODES = {200, 204, 404, 500, 501, 503};
    private static final Map<Format, WorkerOptions> OPTIONS = new EnumMap<>(Format.class);

    static {
        for (Format format : Format.values()) {
            OPTIONS.put(format, FuzzChecks.options("-vv", "--format", format.optionName()));
        }
    }

    /**
     * The input is the response: its first byte picks the status code ('0' 200, '1' 204, '2' 404, '3' 500,
     * '4' 501, '5' 503, any other byte by its value), the second the content type ('0' health+json, '1' json,
     * '2' Spring Boot's, '3' text/plain, '4' none, '5' text/html), the rest is the body, as UTF-8.
     *
     * <p>Document.of and Format.detect take any response; every format's reader either reports (a state for the
     * document and each component) or says NotThisFormat, never another exception; and check_worker's result
     * is plugin output, under --format auto and under the format the input's length picks (length mod 8, in
     * the order of Format).
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void everyFormatReadsTheDocumentOrSaysItIsNotThatFormat(byte[] input) {
        int code = input.length > 0 ? CODES[Math.floorMod(input[0] - '0', CODES.length)] : 200;
        String type = input.length > 1 ? TYPES[Math.floorMod(input[1] - '0', TYPES.length)] : "";
        String body = input.length > 2 ? new String(input, 2, input.length - 2, StandardCharsets.UTF_8) : "";
        HttpResponse response = FuzzChecks.response(code, type, body);
        Document document = Document.of(response);
        assertNotNull(Format.detect(document));
        for (Format format : Format.values()) {
            if (format != Format.AUTO) {
                read(format, document);
            }
        }
        FuzzChecks.assertEvaluates(response, OPTIONS.get(Format.AUTO));
        // One evaluation more, not seven: each parses the body again, which is most of an input's cost.
        FuzzChecks.assertEvaluates(response, OPTIONS.get(Format.values()[input.length % Format.values().length]));
    }

    private static void read(Format format, Document document) {
        DocumentReport report;
        try {
            report = format.reader().read(document);
        } catch (NotThisFormat e) {
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertNotNull(report.status(), format.optionName());
        assertNotNull(report.state(), format.optionName());
        for (Component component : report.components()) {
            assertNotNull(component.status(), component.toString());
            assertNotNull(component.name(), component.toString());
            assertNotNull(component.state(), component.toString());
        }
    }
}
