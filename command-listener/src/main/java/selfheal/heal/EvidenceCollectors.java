package selfheal.heal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Collects one command's evidence, every collector on a thread of its own, all under one deadline
 * ({@code evidence.timeout}): the status document, the worker's process facts, its threads and heap summary
 * (jcmd, as the worker's user), each log's tail, the operator's script. What is not done at the deadline is
 * noted as late and left behind (a program it ran is killed at the deadline by its own limit). A worker that is
 * gone costs no waiting: no jcmd is started, and its refused status connection answers at once.
 */
final class EvidenceCollectors {
    private final EvidenceConfig.Spec spec;
    private final long deadline;
    private final Map<String, byte[]> done = new LinkedHashMap<>();
    private final List<String> expected = new ArrayList<>();
    private volatile String worker = "unknown (no pidfile or unit configured)";
    private volatile String threads;

    private EvidenceCollectors(EvidenceConfig.Spec spec, long deadline) {
        this.spec = spec;
        this.deadline = deadline;
    }

    /**
     * What was collected.
     *
     * @param files   name to content, in the bundle's order
     * @param late    the files that were not done by the deadline
     * @param worker  one line: the worker's pid and state, or that it is not running
     * @param threads the thread dump's text, null when none was taken
     * @param seconds how long the collection took
     */
    record Collected(Map<String, byte[]> files, List<String> late, String worker, String threads, double seconds) {
    }

    /** Runs every collector {@code spec} configures; {@code watch} is the watch's reading, if it triggered. */
    static Collected collect(EvidenceConfig.Spec spec, WorkerWatch.Reading watch) throws InterruptedException {
        long start = System.nanoTime();
        EvidenceCollectors collectors = new EvidenceCollectors(spec, start + spec.timeout().toNanos());
        return collectors.run(watch, start);
    }

    private Collected run(WorkerWatch.Reading watch, long start) throws InterruptedException {
        List<Runnable> tasks = new ArrayList<>();
        if (spec.url().isPresent()) {
            tasks.add(task("status.txt", () -> status(spec.url().get())));
        }
        if (watch != null) {
            expected.add("watch.txt");
            put("watch.txt", ("status: " + watch.status() + "\nline: " + watch.line() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (spec.pidfile().isPresent() || spec.unit().isPresent()) {
            worker = "not known by the deadline";
            expected.add("threads.txt");
            expected.add("heap.txt");
            expected.add("process.txt");
            tasks.add(this::worker);
        }
        Set<String> names = new HashSet<>();
        for (Path log : spec.logs()) {
            String name = "log-" + log.getFileName() + ".txt";
            for (int n = 2; !names.add(name); n++) {
                name = "log-" + log.getFileName() + "." + n + ".txt";
            }
            String file = name;
            tasks.add(task(file, () -> tail(log, spec.lines(), (int) Math.min(Integer.MAX_VALUE, spec.maxSize()))));
        }
        if (spec.script().isPresent()) {
            tasks.add(task("script.txt", this::script));
        }
        CountDownLatch finished = new CountDownLatch(tasks.size());
        for (Runnable task : tasks) {
            Thread thread = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    finished.countDown();
                }
            }, "evidence");
            thread.setDaemon(true);
            thread.start();
        }
        finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        synchronized (done) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            List<String> late = new ArrayList<>();
            for (String name : order()) {
                if (done.containsKey(name)) {
                    files.put(name, done.get(name));
                } else {
                    late.add(name);
                }
            }
            return new Collected(files, late, worker, threads, (System.nanoTime() - start) / 1e9);
        }
    }

    /** The bundle's order: status, watch, threads, heap, process, the logs as configured, script. */
    private List<String> order() {
        List<String> order = new ArrayList<>();
        for (String first : List.of("status.txt", "watch.txt", "threads.txt", "heap.txt", "process.txt")) {
            if (expected.contains(first)) {
                order.add(first);
            }
        }
        for (String name : expected) {
            if (name.startsWith("log-")) {
                order.add(name);
            }
        }
        if (expected.contains("script.txt")) {
            order.add("script.txt");
        }
        return order;
    }

    /** What one collector returns; an exception becomes the file's text. */
    private interface Collector {
        String collect() throws IOException, InterruptedException;
    }

    private Runnable task(String name, Collector collector) {
        expected.add(name);
        return () -> put(name, text(collector));
    }

    private static byte[] text(Collector collector) {
        try {
            return collector.collect().getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return ("not collected: " + e + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not collected: interrupted\n".getBytes(StandardCharsets.UTF_8);
        }
    }

    private void put(String name, byte[] content) {
        synchronized (done) {
            done.put(name, content);
        }
    }

    private long left() {
        return deadline - System.nanoTime();
    }

    // ---- the collectors ------------------------------------------------------------------------------

    /** GET of the status URL as it answers now: status line, headers, body (up to max-size). */
    private String status(URI url) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left())));
        HttpURLConnection http = (HttpURLConnection) url.toURL().openConnection();
        http.setConnectTimeout(millis);
        http.setReadTimeout(millis);
        http.setInstanceFollowRedirects(false);
        http.setUseCaches(false);
        try {
            StringBuilder text = new StringBuilder("GET ").append(url).append(" at ")
                    .append(AuditLog.utc(Instant.now())).append('\n');
            int code = http.getResponseCode();
            text.append("HTTP ").append(code).append(' ').append(http.getResponseMessage() == null ? ""
                    : http.getResponseMessage()).append('\n');
            for (Map.Entry<String, List<String>> header : http.getHeaderFields().entrySet()) {
                if (header.getKey() != null) {
                    for (String value : header.getValue()) {
                        text.append(header.getKey()).append(": ").append(value).append('\n');
                    }
                }
            }
            text.append('\n');
            InputStream body = code >= 400 ? http.getErrorStream() : http.getInputStream();
            if (body != null) {
                try (body) {
                    text.append(new String(body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, spec.maxSize())),
                            StandardCharsets.UTF_8));
                }
            }
            return text.toString();
        } catch (IOException e) {
            return "GET " + url + ": " + e + "\n";
        } finally {
            http.disconnect();
        }
    }

    /** The worker's pid, its /proc facts, then its threads and heap summary in parallel. */
    private void worker() {
        long pid;
        String source;
        try {
            if (spec.pidfile().isPresent()) {
                source = "pidfile " + spec.pidfile().get();
                pid = EvidenceProcess.pidOf(spec.pidfile().get());
            } else {
                source = "unit " + spec.unit().get();
                EvidenceCommand.Result shown = EvidenceCommand.run(List.of("systemctl", "show", "-p", "MainPID",
                        "--value", spec.unit().get()), Map.of(), Math.min(left(), TimeUnit.SECONDS.toNanos(2)), 256);
                if (shown.exit() != 0 || !Chars.isDigits(shown.output().strip(), 10)) {
                    // not "not running": systemd could not be asked (no systemd, no such bus, killed at the limit)
                    worker = "unknown (systemctl show -p MainPID --value " + spec.unit().get() + ": "
                            + shown.text().strip().replace('\n', ' ') + ")";
                    put("process.txt", (worker + "\n").getBytes(StandardCharsets.UTF_8));
                    put("threads.txt", "not taken: no pid\n".getBytes(StandardCharsets.UTF_8));
                    put("heap.txt", "not taken: no pid\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                pid = Long.parseLong(shown.output().strip()); // 0: the unit has no main process
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            source = "no pid: " + e;
            pid = -1;
        }
        if (pid <= 0 || !EvidenceProcess.alive(pid)) {
            worker = "not running (" + source + (pid > 0 ? " names " + pid + ", which is not alive)" : " names no pid)");
            put("process.txt", (worker + "\n").getBytes(StandardCharsets.UTF_8));
            put("threads.txt", "not taken: the worker is not running\n".getBytes(StandardCharsets.UTF_8));
            put("heap.txt", "not taken: the worker is not running\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        long running = pid;
        String facts = EvidenceProcess.facts(pid, source);
        worker = "pid " + pid + " running, " + EvidenceProcess.summary(facts);
        put("process.txt", facts.getBytes(StandardCharsets.UTF_8));
        Thread heap = new Thread(() -> put("heap.txt", text(() -> jcmd(running, "GC.heap_info"))), "evidence");
        heap.setDaemon(true);
        heap.start();
        byte[] dump = text(() -> jcmd(running, "Thread.print"));
        threads = new String(dump, StandardCharsets.UTF_8);
        put("threads.txt", dump);
        try {
            heap.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left()))); // this collector is done with both
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code jcmd PID WHAT} as the worker's user (the attach mechanism talks only to the same user): directly
     * when that is ours, through runuser when we are root, else through {@code sudo -n -u USER} (a sudoers
     * rule must allow it, README.md). The worker's own JDK's jcmd when its executable is a java, else PATH's.
     */
    private String jcmd(long pid, String what) throws IOException, InterruptedException {
        Path proc = EvidenceProcess.PROC.resolve(Long.toString(pid));
        String jcmd = null;
        try {
            Path exe = Files.readSymbolicLink(proc.resolve("exe"));
            Path sibling = exe.resolveSibling("jcmd");
            if (exe.getFileName().toString().equals("java") && Files.isExecutable(sibling)) {
                jcmd = sibling.toString();
            }
        } catch (IOException e) {
            // not ours to read (another user's process, and we are not root): PATH's jcmd
        }
        if (jcmd == null) {
            jcmd = EvidenceCommand.onPath("jcmd");
        }
        if (jcmd == null) {
            return "not taken: no jcmd beside the worker's java nor on " + ScriptRunner.PATH + "\n";
        }
        int uid = (Integer) Files.getAttribute(proc, "unix:uid");
        String user = Files.getOwner(proc).getName();
        List<String> argv = new ArrayList<>();
        if (uid != EffectiveUser.UID) {
            if (EffectiveUser.UID == 0) {
                argv.addAll(List.of("/usr/sbin/runuser", "-u", user, "--"));
            } else {
                argv.addAll(List.of("sudo", "-n", "-u", user));
            }
        }
        argv.addAll(List.of(jcmd, Long.toString(pid), what));
        EvidenceCommand.Result result = EvidenceCommand.run(argv, Map.of(), left(),
                (int) Math.min(Integer.MAX_VALUE - 8, spec.maxSize()));
        return String.join(" ", argv) + "\n" + result.text();
    }

    /** The last {@code lines} lines of {@code log}, read backwards from its end, at most {@code max} bytes. */
    static String tail(Path log, int lines, int max) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long end = file.length();
            long pos = end;
            int newlines = 0;
            byte[] block = new byte[8192];
            long from = 0;
            search:
            while (pos > 0) {
                int n = (int) Math.min(block.length, pos);
                pos -= n;
                file.seek(pos);
                file.readFully(block, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    // the newline that ends the last line does not count
                    if (block[i] == '\n' && pos + i != end - 1 && ++newlines == lines) {
                        from = pos + i + 1;
                        break search;
                    }
                }
                if (end - pos > max) {
                    break;
                }
            }
            from = Math.max(from, end - max);
            file.seek(from);
            byte[] kept = new byte[(int) (end - from)];
            file.readFully(kept);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(("last " + lines + " lines of " + log + " (" + end + " bytes)\n").getBytes(StandardCharsets.UTF_8));
            out.write(kept);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The operator's evidence script, killed at its limit (or the deadline, whichever comes first). */
    private String script() throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(spec.script().get().toString());
        argv.addAll(spec.scriptArgs());
        EvidenceCommand.Result result = EvidenceCommand.run(argv, Map.of(),
                Math.min(left(), spec.scriptTimeout().toNanos()), (int) Math.min(Integer.MAX_VALUE - 8, spec.maxSize()));
        return String.join(" ", argv) + "\n" + result.text();
    }
}
