package selfheal.heal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The local watch over one worker. Every {@code interval} it reads the worker's status endpoint with
 * check_worker's own evaluation ({@link Probe}), and after {@code after} consecutive CRITICAL readings it asks
 * for the worker's heal command through the {@link HealPath}, exactly as a request from the network would be
 * (whitelist, lock, settle, budget, audit record naming the trigger {@code watch}). Only CRITICAL counts:
 * WARNING and UNKNOWN never heal. It does not judge a worker within its {@code grace} (after a heal, and at
 * the watch's start: the worker may be starting), never heals a worker whose group an operator stopped
 * ({@link OperatorStop}), and once the budget is exhausted it stops asking and leaves the worker to the
 * monitor and the operator until the budget is reset.
 */
final class WorkerWatch {
    static final Peer TRIGGER = Peer.inProcess("watch");

    /** Reads a worker's endpoint as check_worker judges it; never throws (a failure is a reading too). */
    interface Probe {
        Reading read(WatchSpec spec);
    }

    /** One judgement of the endpoint: check_worker's status and first output line. */
    record Reading(String status, String line) {
        boolean critical() {
            return status.equals("CRITICAL");
        }
    }

    /** Why the watch holds back from judging, announced once when it starts and once when it ends. */
    private enum Hold { NONE, STOPPED, EXHAUSTED, NO_COMMAND }

    private final Supplier<ListenerConfig> config;
    private final Probe probe;
    private final HealPath heal;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private volatile WatchSpec spec;
    private int criticals;
    private long graceEnd;
    private Hold hold = Hold.NONE;

    WorkerWatch(WatchSpec spec, Supplier<ListenerConfig> config, Probe probe, HealPath heal, LongSupplier nanos,
                Consumer<String> log) {
        this.spec = spec;
        this.config = config;
        this.probe = probe;
        this.heal = heal;
        this.nanos = nanos;
        this.log = log;
        this.graceEnd = nanos.getAsLong() + spec.grace().toNanos();
        log.accept(spec.name() + ": watching " + spec.url() + " every " + seconds(spec.interval().toNanos())
                + ", heals with " + spec.heal() + " after " + spec.after() + " CRITICAL; first judged after its grace of "
                + seconds(spec.grace().toNanos()));
    }

    WatchSpec spec() {
        return spec;
    }

    /** A reloaded configuration's spec for this worker: its counters and grace are kept. */
    void update(WatchSpec spec) {
        this.spec = spec;
    }

    /** One round: the holds, the grace, one reading, and the heal when it is due. */
    void round() {
        WatchSpec spec = this.spec;
        ListenerConfig current = config.get();
        AllowedCommand command = current.commands().get(spec.heal());
        if (command == null) {
            holdFor(Hold.NO_COMMAND, spec.heal() + " is no longer a configured command: nothing to heal with");
            return;
        }
        if (new OperatorStop(current.stateDir()).stopped(command.group())) {
            holdFor(Hold.STOPPED, "stopped by an operator (the last command of group " + command.group()
                    + " that ended well was a stop): not healed until it is started");
            return;
        }
        if (!new BudgetLedger(current.stateDir()).exhausted(List.of(command)).isEmpty()) {
            holdFor(Hold.EXHAUSTED, "BUDGET EXHAUSTED for " + command.name() + ": the watch asks no more; the"
                    + " worker is left to the monitor and the operator (command-listener --reset " + command.name()
                    + " once it is fixed)");
            return;
        }
        if (hold != Hold.NONE) {
            log.accept(spec.name() + ": watching again (" + hold.name().toLowerCase(java.util.Locale.ROOT)
                    + " no more)");
            hold = Hold.NONE;
            criticals = 0;
        }
        long now = nanos.getAsLong();
        if (now - graceEnd < 0) {
            return;
        }
        Reading reading = probe.read(spec);
        if (!reading.critical()) {
            if (criticals > 0) {
                log.accept(spec.name() + ": " + reading.status() + " after " + criticals + " CRITICAL: " + reading.line());
            }
            criticals = 0;
            return;
        }
        criticals++;
        log.accept(spec.name() + ": CRITICAL " + criticals + "/" + spec.after() + ": " + reading.line());
        if (criticals < spec.after()) {
            return;
        }
        criticals = 0;
        Handled handled = heal.handle(TRIGGER, spec.heal().getBytes(StandardCharsets.US_ASCII), current, reading);
        Reply reply = handled.reply();
        log.accept(spec.name() + ": asked " + spec.heal() + ": " + reply.line());
        switch (reply.reason()) {
            // A heal of the group is running (the monitor's, an operator's): its outcome and settle follow.
            case BUSY -> { }
            // Logged loudly by the hold, from the next round on.
            case BUDGET_EXHAUSTED -> { }
            // Healed now or moments ago, or a heal that failed: the worker gets its grace before the next.
            default -> {
                graceEnd = nanos.getAsLong() + spec.grace().toNanos();
                warnIfFlapping(command, current);
            }
        }
    }

    /** Says so loudly when the heals of {@code command} are more than its {@code flap} allows. */
    private void warnIfFlapping(AllowedCommand command, ListenerConfig current) {
        try {
            HealHistory.Recent recent = new HealHistory(current.stateDir()).recent(command, java.time.Instant.now());
            if (recent != null && recent.flapping()) {
                log.accept(spec.name() + ": FLAPPING: " + command.name() + " ran more often than its flap "
                        + command.flap() + " allows (" + recent.total() + " heals in 1h): restarting is hiding a fault someone must look at");
            }
        } catch (StateException e) {
            log.accept(spec.name() + ": heal history of " + command.name() + " unreadable: " + e.getMessage());
        }
    }

    private void holdFor(Hold why, String message) {
        if (hold != why) {
            log.accept(spec.name() + ": " + message);
            hold = why;
        }
        criticals = 0;
    }

    private static String seconds(long nanos) {
        return Reply.seconds(nanos / 1e9);
    }
}
