package selfheal.check.service;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import selfheal.check.listener.CheckListener;
import selfheal.check.worker.CheckWorker;
import selfheal.plugin.Deadline;

/**
 * The check service: one resident JVM on the monitoring server that runs check_worker and check_listener
 * checks for their launchers, so that a check costs a shell and a loopback round trip instead of a JVM's
 * start. It listens on 127.0.0.1 at a port of the kernel's choosing and writes that port and a random token
 * to its state file; a launcher that can read the file sends the check there (ServiceRequest) and prints
 * what comes back. The reply is the plugin's exit code on a line of its own, then exactly what the plugin
 * printed. A request it will not run is answered {@code REFUSED reason}, and {@code BUSY} when all threads
 * are running checks: the launcher then runs the check in a JVM of its own, as without the service.
 */
public final class CheckService {

    static final String DEFAULT_STATE_FILE = "/run/selfheal-checks/service";
    static final int DEFAULT_THREADS = 16;
    /** A client sends its whole request at once; one that has not within this is not a client of ours. */
    static final int REQUEST_MILLIS = 2000;
    static final String USAGE = "usage: check-service [--state-file FILE] [--threads N]";
    /** The exit status after the service's jar was replaced (EX_TEMPFAIL): systemd's Restart=on-failure starts
     *  it anew, with the new jar. */
    public static final int EXIT_REPLACED = 75;

    /** A plugin the service runs: the same run(args, out) as in a JVM of its own. */
    @FunctionalInterface
    interface Program {
        int run(String[] args, PrintStream out, Path directory);
    }

    static final Map<String, Program> PROGRAMS = Map.of(
            "check_worker", (args, out, directory) -> new CheckWorker(InstantSource.system(), directory).run(args, out),
            "check_listener", (args, out, directory) -> new CheckListener().run(args, out));

    private final Map<String, Program> programs;
    private final String token;
    private final OwnJar jar;
    private final int threads;
    /** One per check being read or run. A check that finds none is answered BUSY at once, and its launcher
     *  runs it itself, rather than waiting behind checks that may each take up to their timeout. */
    private final Semaphore slots;
    private final ExecutorService workers;
    private final PrintStream log;

    CheckService(Map<String, Program> programs, String token, OwnJar jar, int threads, PrintStream log) {
        this.programs = programs;
        this.token = token;
        this.jar = jar;
        this.threads = threads;
        this.slots = new Semaphore(threads);
        this.log = log;
        this.workers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "check");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream log) {
        Path stateFile;
        int threads;
        try {
            CommandLine cmd = new DefaultParser().parse(options(), args);
            if (cmd.hasOption("h")) {
                log.println(USAGE);
                return 0;
            }
            if (!cmd.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument '" + cmd.getArgList().get(0) + "'");
            }
            stateFile = Path.of(cmd.getOptionValue("state-file", DEFAULT_STATE_FILE));
            threads = Integer.parseInt(cmd.getOptionValue("threads", String.valueOf(DEFAULT_THREADS)));
            if (threads < 1 || threads > 1024) {
                throw new ParseException("--threads must be 1 to 1024, got " + threads);
            }
        } catch (ParseException | NumberFormatException e) {
            log.println("check-service: " + e.getMessage() + "; " + USAGE);
            return 2;
        }
        // Each check resolves its host afresh, as a check in a JVM of its own does, rather than from a cache
        // that would outlive a worker's move to another address.
        java.security.Security.setProperty("networkaddress.cache.ttl", "0");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        try (ServerSocket server = new ServerSocket(0, 128, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            StateFile state = StateFile.write(stateFile, server.getLocalPort(), token);
            Runtime.getRuntime().addShutdownHook(new Thread(state::remove, "remove state file"));
            log.println("check-service: serving checks on 127.0.0.1:" + server.getLocalPort() + " for the readers of "
                    + stateFile + ", " + threads + " threads");
            return new CheckService(PROGRAMS, token, OwnJar.of(CheckService.class), threads, log).serve(server);
        } catch (IOException e) {
            log.println("check-service: cannot serve: " + e);
            return 1;
        }
    }

    private static Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("state-file").hasArg().argName("FILE")
                        .desc("where to write PORT TOKEN for the launchers (default " + DEFAULT_STATE_FILE + ")").build())
                .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                        .desc("checks run at once (default " + DEFAULT_THREADS + ")").build())
                .addOption("h", "help", false, "print usage and exit");
    }

    /**
     * Accepts connections, handing each to a worker thread or answering BUSY, until the socket is closed (0) or
     * its jar has been replaced (EXIT_REPLACED: the checks running finish, the launchers of the next ones run
     * them in JVMs of their own until the service has started anew).
     */
    int serve(ServerSocket server) throws IOException {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return 0;
                }
                throw e;
            }
            if (jar.replaced()) {
                reply(client, refusal(jar.path() + " was replaced; stopping, to be started anew with it"), null);
                server.close();
                finishRunningChecks();
                return EXIT_REPLACED;
            }
            if (slots.tryAcquire()) {
                workers.execute(() -> answer(client));
            } else {
                log.println("check-service: BUSY: all " + threads + " threads are running checks");
                reply(client, "BUSY\n".getBytes(StandardCharsets.US_ASCII), null);
            }
        }
        return 0;
    }

    /** Lets the checks being run end and answer (each ends within its own -t), for up to a minute. */
    private void finishRunningChecks() {
        workers.shutdown();
        try {
            workers.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request, runs it if it is ours, gives its slot back, then replies and closes. */
    private void answer(Socket client) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        byte[] head;
        try {
            head = check(client, output);
        } finally {
            // Before the reply, so that the next check of a client that has its answer never finds it BUSY.
            slots.release();
        }
        reply(client, head, output);
    }

    /** The reply's first line, its exit code or why not; the plugin's output goes to {@code output}. */
    private byte[] check(Socket client, ByteArrayOutputStream output) {
        ServiceRequest request;
        try {
            client.setSoTimeout(REQUEST_MILLIS);
            request = ServiceRequest.read(new Bounded(new BufferedInputStream(client.getInputStream()),
                    Deadline.after(Duration.ofMillis(REQUEST_MILLIS))));
        } catch (ServiceRequest.Malformed e) {
            return refusal(e.getMessage());
        } catch (IOException e) {
            return refusal("no whole request within " + REQUEST_MILLIS + " ms: " + e.getMessage());
        }
        if (!request.hasToken(token)) {
            return refusal("wrong token");
        }
        Program program = programs.get(request.program());
        if (program == null) {
            return refusal("no program " + request.program());
        }
        // The charset the plugin's own JVM would print in: the same locale rules decide it here.
        PrintStream out = new PrintStream(output, false, Charset.defaultCharset());
        int status;
        try {
            status = program.run(request.args(), out, request.directory());
        } catch (RuntimeException | Error e) {
            // A plugin turns every failure into UNKNOWN itself; should one escape all the same, its launcher runs
            // the check in a JVM of its own, and this JVM carries on.
            output.reset();
            return refusal("internal error in " + request.program() + ": " + e);
        }
        out.flush();
        return (status + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] refusal(String reason) {
        log.println("check-service: REFUSED " + reason);
        return ("REFUSED " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void reply(Socket client, byte[] head, ByteArrayOutputStream body) {
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(head);
            if (body != null) {
                body.writeTo(out);
            }
            out.flush();
            client.shutdownOutput();
            // A reply sent before the request was read (BUSY, a replaced jar): what has arrived of it is read and
            // dropped, because closing on unread bytes resets the connection, and a reset can cost the client
            // the reply it had not read yet.
            InputStream in = client.getInputStream();
            for (int left = in.available(); left > 0; left = in.available()) {
                in.skip(left);
            }
        } catch (IOException e) {
            // the client is gone (killed by its monitor's timeout): nobody is left to tell
        }
    }

    /** Ends a request that trickles in: the socket's timeout bounds each read, the deadline the whole request. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private final Deadline deadline;

        Bounded(InputStream in, Deadline deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            if (deadline.passed()) {
                throw new IOException("request took too long");
            }
            return in.read();
        }
    }
}
