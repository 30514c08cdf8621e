package selfheal.heal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The one heal path: whatever triggers a request to heal, it goes through these stages, in this order, and
 * any of them can end it with a refusal that runs nothing:
 * <ol>
 *   <li><b>authorize</b>: the requester must pass {@code allow} (a local operator and a component in this JVM
 *       do); over TLS, once the whitelist has named the command, its client identity must be among the
 *       command's {@code clients} ({@link Peer#mayRun});
 *   <li><b>parse</b>: the line must be a well-formed {@link Request} (ping and help are answered right after);
 *   <li><b>whitelist</b>: the name must be a configured {@link AllowedCommand};
 *   <li><b>arguments</b>: its {@code accepts} must allow what was added;
 *   <li><b>lock</b>: the state directory must be safe ({@code ERR state}), and its group's {@link GroupLock}
 *       free, no run of the group left in flight by a listener that died ({@code ERR busy}, never a wait);
 *   <li><b>settle</b>: within its {@link Settle} after its last run that ended well, nothing runs and the
 *       answer is {@code OK <name> settling}: the request is a late echo of the trouble that run healed;
 *   <li><b>intent</b>: a record of what is about to run must be on disk ({@code ERR audit}, nothing runs);
 *   <li><b>budget</b>: its {@link Budget} must have room; the run is counted once its script has started,
 *       so a script that cannot be started spends nothing; a ledger that cannot be trusted refuses
 *       ({@code ERR state});
 *   <li><b>history</b>: the run is recorded with its trigger ({@link HealHistory}) where the budget counts
 *       it, for ping to report; a history that cannot be trusted refuses ({@code ERR state});
 *   <li><b>evidence</b>: for a command with evidence configured, what its worker shows now is kept in a
 *       bundle ({@link Evidence}), under the lock, within its own time limit, before the run destroys it; the
 *       run's reply and outcome record name it ({@code evidence=<id>}), or the record says why none was kept.
 *       Never a reason for the heal to fail;
 *   <li><b>run</b>: the script, through {@link ScriptRunner}; a run that ended well starts the settle, and
 *       marks its group stopped or not ({@link OperatorStop});
 *   <li><b>audit</b>: the outcome record, written before the reply goes out.
 * </ol>
 * The network trigger ({@link CommandListener#serve}) reads the line, then calls {@link #decide} and
 * {@link #audit}; a component in this JVM calls {@link #handle}, which does exactly those two. A new stage
 * belongs here, once, for every trigger. Holds nothing of a request: one instance serves concurrent ones.
 */
final class HealPath {
    private final InstantSource clock;

    HealPath(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * When a request arrived: the time of its audit records, where its duration starts, and the id its intent
     * and outcome records share.
     */
    record Arrival(Instant time, long nanos, String id) {
    }

    Arrival arrival() {
        long nanos = System.nanoTime();
        return new Arrival(clock.instant(), nanos, AuditLog.nextId());
    }

    /**
     * One request from a component in this JVM, e.g. {@code handle(Peer.inProcess("watch"), line, config)}:
     * the same stages, lock groups, budgets and audit record as a request from the network. Never throws;
     * the reply in the result is for the caller.
     */
    Handled handle(Peer requester, byte[] line, ListenerConfig config) {
        return handle(requester, line, config, null);
    }

    /** The same, for the watch: {@code reading} is what made it ask, kept with the evidence. */
    Handled handle(Peer requester, byte[] line, ListenerConfig config, WorkerWatch.Reading reading) {
        Arrival arrival = arrival();
        Handled handled;
        try {
            handled = decide(arrival, requester, line, config, reading);
        } catch (RuntimeException | Error e) {
            handled = Handled.crashed(e);
        }
        audit(config.auditLog(), requester.label(), requester.auditedClient(config), arrival, handled);
        return handled;
    }

    /** Every stage but the audit, for a line that has arrived: authorize, parse, whitelist, ..., run. */
    Handled decide(Arrival arrival, Peer requester, byte[] line, ListenerConfig config) {
        return decide(arrival, requester, line, config, null);
    }

    private Handled decide(Arrival arrival, Peer requester, byte[] line, ListenerConfig config,
                           WorkerWatch.Reading reading) {
        // authorize: after reading, so that the audit log shows what a refused peer asked for; by address here,
        // by client identity once the command is known (below)
        if (!requester.allowedBy(config)) {
            return Handled.denied(line);
        }
        // parse
        Request request;
        try {
            request = Request.parse(line);
        } catch (Request.Malformed e) {
            return Handled.refused(Reply.error(Reply.Reason.BAD_REQUEST), line, e.getMessage());
        }
        String name = request.command();
        if (ListenerConfig.RESERVED.contains(name)) {
            return builtIn(request, line, config);
        }
        // whitelist
        AllowedCommand command = config.commands().get(name);
        if (command == null) {
            return Handled.refused(Reply.error(Reply.Reason.UNKNOWN_COMMAND), line, "not in the whitelist");
        }
        // authorize, by client identity: over TLS only the clients the command names may run it
        if (!requester.mayRun(command)) {
            return Handled.refused(Reply.error(Reply.Reason.DENIED), line, name, "client "
                    + requester.auditedClient(config) + " not in the clients of " + name + " ("
                    + command.clients() + ")");
        }
        // arguments
        if (!command.accepts(request.args())) {
            return Handled.refused(Reply.argumentsNotAllowed(name), line, name,
                    "arguments not allowed: " + request.args());
        }
        return run(arrival, command, request.args(), requester, config, line, reading);
    }

    /** Ping, help and describe: answered from the configuration alone, never run anything. */
    private Handled builtIn(Request request, byte[] line, ListenerConfig config) {
        String name = request.command();
        if (!request.args().isEmpty()) {
            return Handled.refused(Reply.argumentsNotAllowed(name), line, name, "built-in takes no arguments");
        }
        if (name.equals("help")) {
            return Handled.answered(Reply.commands(new ArrayList<>(config.commands().keySet())), line, name);
        }
        if (name.equals("describe")) {
            return Handled.answered(Reply.described(config), line, name);
        }
        return ping(line, config);
    }

    /**
     * Whether heals could run now, cheaply, and what was healed lately: the audit log can take a record
     * ({@code ERR audit}), the state directory is safe and every budget ledger, settle and heal history can be
     * read ({@code ERR state [<name>]}); then each command's heals of the last hour per trigger, the flapping
     * commands and the exhausted budgets ({@link Reply#pong}). One small file read per command and file.
     */
    private Handled ping(byte[] line, ListenerConfig config) {
        String audit = new AuditLog(config.auditLog()).problem();
        if (audit != null) {
            return Handled.refused(Reply.error(Reply.Reason.AUDIT), line, "ping", audit);
        }
        String unsafe = SafeDirectory.problem(config.stateDir(), false);
        if (unsafe != null) {
            return Handled.refused(Reply.error(Reply.Reason.STATE), line, "ping", "state.dir: " + unsafe);
        }
        BudgetLedger ledger = new BudgetLedger(config.stateDir());
        Settle settle = new Settle(config.stateDir());
        HealHistory history = new HealHistory(config.stateDir());
        Instant now = clock.instant();
        List<HealHistory.Recent> recent = new ArrayList<>();
        for (AllowedCommand command : config.commands().values()) {
            String damaged = ledger.problem(command);
            if (damaged == null) {
                damaged = settle.problem(command);
            }
            if (damaged == null) {
                try {
                    HealHistory.Recent heals = history.recent(command, now);
                    if (heals != null) {
                        recent.add(heals);
                    }
                } catch (StateException e) {
                    damaged = e.getMessage();
                }
            }
            if (damaged != null) {
                return Handled.refused(Reply.error(Reply.Reason.STATE, command.name()), line, "ping", damaged);
            }
        }
        List<String> broken = new ArrayList<>();
        for (DropIn dropIn : config.broken()) {
            broken.add(dropIn.shownName());
        }
        return Handled.answered(Reply.pong(recent, ledger.exhausted(config.commands().values()), broken), line,
                "ping");
    }

    /** Lock, intent, budget, run. */
    private Handled run(Arrival arrival, AllowedCommand command, List<String> args, Peer requester,
                        ListenerConfig config, byte[] line, WorkerWatch.Reading reading) {
        String name = command.name();
        // lock: held from before the budget is counted until the script ends; busy at once, never a wait
        try (GroupLock lock = GroupLock.tryAcquire(config.stateDir(), command.group())) {
            if (lock == null) {
                return Handled.refused(Reply.error(Reply.Reason.BUSY, name), line, name,
                        "group " + command.group() + " is running another command");
            }
            long orphan = lock.runInFlight();
            if (orphan != 0) {
                return Handled.refused(Reply.error(Reply.Reason.BUSY, name), line, name, "group "
                        + command.group() + " still runs process group " + orphan + " of a listener that died");
            }
            // settle: the worker a good run healed moments ago must not be restarted by that trouble's echo
            Settle settle = new Settle(config.stateDir());
            Duration left = settle.remaining(command, clock.instant());
            if (!left.isZero()) {
                double since = (command.settle().toMillis() - left.toMillis()) / 1000.0;
                return Handled.settling(Reply.settling(name, left.toMillis() / 1000.0), line, name,
                        "last run ended well " + Reply.seconds(since) + " ago; nothing runs within its settle of "
                                + Reply.seconds(command.settle().toMillis() / 1000.0));
            }
            // intent: on disk before anything is counted or run; if it cannot be, nothing runs
            try {
                new AuditLog(config.auditLog()).append(new AuditLog.Entry(arrival.time(), arrival.id(),
                        AuditLog.Phase.INTENT, requester.label(), requester.auditedClient(config), line, null, name,
                        null, (System.nanoTime() - arrival.nanos()) / 1e9, null, null));
            } catch (IOException | RuntimeException e) {
                return Handled.refused(Reply.error(Reply.Reason.AUDIT, name), line, name,
                        "intent not recorded, nothing ran: " + e.getMessage());
            }
            // budget: room for one more run now; the run counts once its script has started (a script that
            // cannot be started spends nothing), and one whose run cannot be counted is killed at once
            BudgetLedger ledger = new BudgetLedger(config.stateDir());
            Budget budget = command.budget().orElse(null);
            if (budget != null && !ledger.hasRoom(command, budget, clock.instant())) {
                return Handled.refused(Reply.error(Reply.Reason.BUDGET_EXHAUSTED, name, budget.toString()),
                        line, name, "reset with: command-listener --reset " + name);
            }
            // history: every run is recorded with its trigger where the budget counts it, for ping to report;
            // one that cannot be trusted refuses here, before anything runs, as a damaged ledger does
            HealHistory history = new HealHistory(config.stateDir());
            history.verify(command);
            HealHistory.Trigger trigger = HealHistory.Trigger.of(requester);
            // evidence: what the worker shows now, before the run destroys it; never refuses
            Evidence.Kept evidence = Evidence.keep(config, command, requester.label(), reading, arrival.time());
            // run
            ScriptRunner.Outcome outcome = ScriptRunner.run(command, args, requester.label(), group -> {
                lock.running(group);
                if (budget != null) {
                    ledger.record(command, budget, clock.instant());
                }
                history.record(command, trigger, clock.instant());
            });
            if (outcome.timedOut()) {
                return Handled.ran(Reply.timedOut(name, outcome.seconds()), line, name, outcome).withEvidence(evidence);
            }
            if (outcome.exit() != 0) {
                return Handled.ran(Reply.failed(name, outcome.exit(), outcome.seconds()), line, name, outcome)
                        .withEvidence(evidence);
            }
            Handled ran = Handled.ran(Reply.ran(name, outcome.seconds()), line, name, outcome).withEvidence(evidence);
            try {
                settle.ranWell(command, clock.instant());
                new OperatorStop(config.stateDir()).ranWell(command);
                return ran;
            } catch (IOException | RuntimeException e) {
                // The run happened and the reply must say so; the record shows what was not kept.
                return ran.noting("settle or stop not recorded: " + e.getMessage());
            }
        } catch (StateException e) {
            return Handled.refused(Reply.error(Reply.Reason.STATE, name), line, name, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return Handled.refused(Reply.error(Reply.Reason.INTERNAL, name), line, name, e.toString());
        }
    }

    /**
     * The last stage: the outcome record in {@code log}, before the reply is sent, so that a client that has
     * seen the reply can rely on the record being there. An outcome that cannot be written is lost: there is
     * nowhere left to report it (stderr is the client's socket), and the reply must still say what ran. A run's
     * intent is on disk already, so the log never lacks a run; {@code ping} answers {@code ERR audit} meanwhile.
     */
    void audit(Path log, String requester, Arrival arrival, Handled handled) {
        audit(log, requester, null, arrival, handled);
    }

    /** The same, naming the TLS client identity ({@code none} if there is none; null: the listener has no TLS). */
    void audit(Path log, String requester, String client, Arrival arrival, Handled handled) {
        double seconds = (System.nanoTime() - arrival.nanos()) / 1e9;
        try {
            new AuditLog(log).append(new AuditLog.Entry(arrival.time(), arrival.id(), AuditLog.Phase.OUTCOME,
                    requester, client, handled.request(), handled.reply(), handled.command(), handled.exit(), seconds,
                    handled.detail(), handled.evidence() == null ? null : handled.evidence().audit()));
        } catch (IOException | RuntimeException e) {
            // See above: nowhere to report it.
        }
    }
}
