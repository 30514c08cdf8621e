package selfheal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence before healing, through the whole loop (STACK_EVIDENCE=yes): the real foo killed with -9 and hung,
 * healed by real Nagios through the event handler and the listener under xinetd. The bundle's id travels
 * from the listener's reply into its audit record, the handler's log and a Nagios comment on the service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvidenceIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Pattern REPLY_ID = Pattern.compile(
            "reply=\"OK foo-restart exit=0 [0-9.]+s evidence=(\\S+)\" evidence=(\\S+)");

    private PrivateStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = PrivateStack.start(Map.of("STACK_EVIDENCE", "yes"));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aKilledWorkerIsNotedNotRunningWithItsLogTailAtOnceAndTheIdReachesTheServiceComment() throws Exception {
        int before = stack.requests("foo-restart").size();
        long killed = stack.killFoo();

        String id = awaitHealedWithEvidence(before);

        Path bundle = bundle(id);
        assertEquals("not running (pidfile " + stack.env("FOO_PIDFILE") + " names " + killed
                + ", which is not alive)\n", read(bundle, "process.txt"));
        assertTrue(read(bundle, "log-foo.log.txt").contains("foo[" + killed + "]: ready: status at "),
                read(bundle, "log-foo.log.txt"));
        Matcher took = Pattern.compile("\ncollected in: ([0-9.]+)s\n").matcher(read(bundle, "SUMMARY.txt"));
        assertTrue(took.find(), read(bundle, "SUMMARY.txt"));
        assertTrue(Double.parseDouble(took.group(1)) < 0.3, "a gone worker delayed the heal: "
                + read(bundle, "SUMMARY.txt"));
        awaitComment(id);
    }

    @Test
    @Order(2)
    void aHungWorkersBundleShowsTheParkedWorkLoopTheStaleHeartbeatAndItsLastLogLines() throws Exception {
        stack.awaitService(PrivateStack.WORKER, ServiceStatus.OK, true, LIMIT);
        int before = stack.requests("foo-restart").size();
        long hung = stack.fooPid();
        stack.fault("hang");

        String id = awaitHealedWithEvidence(before);

        Path bundle = bundle(id);
        String threads = read(bundle, "threads.txt");
        assertTrue(threads.contains("\tat selfheal.demo.WorkLoop.parkedByHangFault("), threads);
        String status = read(bundle, "status.txt");
        assertTrue(status.contains("\nHTTP 503 "), status);
        assertTrue(status.contains("\"output\": \"no heartbeat for "), status);
        String log = read(bundle, "log-foo.log.txt");
        assertTrue(log.endsWith("foo[" + hung + "]: fault injected: hang (the work loop stops; the heartbeat goes"
                + " stale)\n"), log);
        String summary = read(bundle, "SUMMARY.txt");
        assertTrue(summary.contains("\nworker: pid " + hung + " running, "), summary);
        assertTrue(summary.contains("    at selfheal.demo.WorkLoop.parkedByHangFault("), summary);
        awaitComment(id);

        String shown = operator("--evidence", id);
        assertTrue(shown.startsWith("evidence " + id + "\ncommand: foo-restart\ntrigger: 127.0.0.1\n"), shown);
        assertTrue(operator("--evidence", "foo-restart").contains(id + "  "));
    }

    @Test
    @Order(3)
    void theHandlerCommentsTheEvidenceOfAFailedHealToo(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve("nagios.cmd");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        CompletableFuture<String> submitted = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(pipe);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String id = "20261203T171501Z-foo-restart";
        try (FakeListener listener = new FakeListener("ERR failed foo-restart exit=1 0.20s evidence=" + id, 0)) {
            ProcessBuilder builder = new ProcessBuilder(PrivateStack.checkout().resolve(
                    "nagios-config/selfheal-event-handler").toString(), "-f", pipe.toString(), "-n", "foo-host",
                    "-d", "foo worker", "CRITICAL", "HARD", "4", "127.0.0.1", String.valueOf(listener.port()),
                    "foo-restart").redirectErrorStream(true);
            builder.environment().clear(); // as Nagios starts it
            Process handler = builder.start();
            handler.getOutputStream().close();
            String output = new String(handler.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(handler.waitFor(40, TimeUnit.SECONDS));
            assertEquals(2, handler.exitValue(), output);
            assertTrue(output.startsWith("evidence foo-restart@127.0.0.1:" + listener.port() + " (CRITICAL HARD 4):"
                    + " evidence " + id + " kept on 127.0.0.1: command-listener --evidence " + id + "\n"), output);
        }
        String line = submitted.get(5, TimeUnit.SECONDS);
        assertTrue(line.matches("\\[[0-9]+] ADD_SVC_COMMENT;foo-host;foo worker;1;selfheal;evidence " + id
                + " kept on 127\\.0\\.0\\.1: command-listener --evidence " + id + "\n"), line);
    }

    /** Waits for the heal's audit record; checks the id in reply, record and handler log; returns it. */
    private String awaitHealedWithEvidence(int before) {
        String[] id = new String[1];
        Poll.until(LIMIT, "a foo-restart that kept evidence", () -> {
            List<String> requests = stack.requests("foo-restart");
            for (String line : requests.subList(Math.min(before, requests.size()), requests.size())) {
                Matcher m = REPLY_ID.matcher(line);
                if (m.find()) {
                    assertEquals(m.group(1), m.group(2), "reply and record name different bundles: " + line);
                    id[0] = m.group(1);
                    return true;
                }
            }
            return false;
        }, stack::diagnostics);
        Poll.until(LIMIT, "the handler to log the evidence", () -> stack.lines("HANDLER_LOG").stream()
                .anyMatch(l -> l.contains(" evidence foo-restart@127.0.0.1:") && l.endsWith(": evidence " + id[0]
                        + " kept on 127.0.0.1: command-listener --evidence " + id[0])), stack::diagnostics);
        return id[0];
    }

    /** Waits until Nagios shows the comment on the service in status.dat. */
    private void awaitComment(String id) {
        Poll.until(LIMIT, "Nagios to show the evidence comment on the foo worker", () -> {
            try {
                String status = Files.readString(Path.of(stack.env("STATUS_FILE")), StandardCharsets.UTF_8);
                int at = status.indexOf("\tcomment_data=evidence " + id + " kept on 127.0.0.1: command-listener"
                        + " --evidence " + id + "\n");
                int block = status.lastIndexOf("servicecomment {", at);
                return at >= 0 && block >= 0 && status.substring(block, at).contains("\tservice_description="
                        + PrivateStack.WORKER + "\n") && status.substring(block, at).contains("\tauthor=selfheal\n");
            } catch (IOException e) {
                return false;
            }
        }, stack::diagnostics);
    }

    private Path bundle(String id) {
        return Path.of(stack.env("EVIDENCE_DIR"), id);
    }

    private static String read(Path bundle, String file) throws IOException {
        return Files.readString(bundle.resolve(file), StandardCharsets.UTF_8);
    }

    /** The listener run by hand on the host, as an operator runs it. */
    private String operator(String... args) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of(stack.env("LISTENER"), "--config",
                stack.env("LISTENER_CONFIG")));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
