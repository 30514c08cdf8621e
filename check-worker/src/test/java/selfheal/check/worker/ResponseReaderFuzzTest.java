package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.Socket;
import java.time.Duration;
import selfheal.plugin.Deadline;

/**
 * A server's response as raw bytes, read in-process (a socket per input would be far too slow to fuzz). The
 * ordinary test run replays the seeds in src/test/resources/selfheal/check/worker/ResponseReaderFuzzTestInputs;
 * {@code scripts/fuzz} fuzzes the target.
 */
class ResponseReaderFuzzTest {

    /** Only its timeout is set: the bytes come from memory. Never connected, so one serves every input. */
    private static final Socket SOCKET = new Socket();
    private static final WorkerOptions OPTIONS = FuzzChecks.options("-vv");

    /**
     * ResponseReader.read on any bytes returns a final response (status 200 to 599, a body within the cap), or
     * refuses them as a ProtocolException with a printable message, or as TOO_LARGE; never another exception,
     * never a timeout for bytes that are all there. What it returns evaluates to plugin output.
     */
    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void readReturnsAFinalResponseOrAProtocolError(byte[] bytes) throws IOException {
        HttpResponse response;
        try {
            response = new ResponseReader(new ByteArrayInputStream(bytes), SOCKET, Deadline.after(Duration.ofMinutes(1)))
                    .read(System.nanoTime());
        } catch (ProtocolException e) {
            FuzzChecks.assertPrintable(e.getMessage());
            return;
        } catch (ProbeFailure e) {
            assertEquals(ProbeFailure.Kind.TOO_LARGE, e.kind(), e.getMessage());
            return;
        }
        assertTrue(response.code() >= 200 && response.code() <= 599, String.valueOf(response.code()));
        assertTrue(response.body().length() <= HttpProbe.MAX_BODY, response.body().length() + " chars");
        FuzzChecks.assertEvaluates(response, OPTIONS);
    }
}
