package selfheal.heal;

import java.util.List;

/**
 * The one line the client gets. Grammar (README.md): {@code OK <command> exit=0 <seconds>s}
 * [{@code evidence=<id>}] (also after a failed or timed-out run's reply),
 * {@code OK <command> settling <seconds>s}, {@code OK pong[ heals=...][ flapping=...][ budget-exhausted=...]}
 * (see {@link #pong}), {@code OK commands <name>...}, {@code OK describe <n>} and n lines more (see
 * {@link #described}, the one reply of more than one line), {@code ERR <reason> [<command>] [<detail>]}. Only a
 * line starting {@code OK } means success.
 */
record Reply(Reason reason, String line) {

    /**
     * Why a request was not carried out (SETTLING: because it need not be, an OK); the wire names are part of
     * the grammar, and the audit record's decision.
     */
    enum Reason {
        NONE("ok"), SETTLING("settling"), BAD_REQUEST("bad-request"), UNKNOWN_COMMAND("unknown-command"), DENIED("denied"),
        BUSY("busy"), BUDGET_EXHAUSTED("budget-exhausted"), TIMEOUT("timeout"), FAILED("failed"),
        INTERNAL("internal"), AUDIT("audit"), STATE("state");

        final String wire;

        Reason(String wire) {
            this.wire = wire;
        }
    }

    Reply {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("a reply is never empty");
        }
        for (int i = 0; i < line.length(); i++) {
            boolean between = line.charAt(i) == '\n' && i > 0 && i < line.length() - 1 && line.charAt(i - 1) != '\n';
            if ((line.charAt(i) < 0x20 || line.charAt(i) > 0x7e) && !between) {
                throw new IllegalArgumentException("a reply is lines of printable ASCII: " + line);
            }
        }
    }

    /**
     * This reply of a run with {@code evidence=<id>} added: the bundle kept before it ran, e.g.
     * {@code OK foo-restart exit=0 0.55s evidence=20261203T171501Z-foo-restart}.
     */
    Reply withEvidence(String id) {
        return new Reply(reason, line + " evidence=" + id);
    }

    static Reply ran(String command, double seconds) {
        return new Reply(Reason.NONE, "OK " + command + " exit=0 " + seconds(seconds));
    }

    /** Nothing ran: the command ran well moments ago and its worker is given time to be seen healthy. */
    static Reply settling(String command, double secondsLeft) {
        return new Reply(Reason.SETTLING, "OK " + command + " settling " + seconds(secondsLeft));
    }

    /**
     * {@code OK pong}, then a field for each thing to report, in this order, each left out when empty, so
     * that a listener with nothing to report answers exactly {@code OK pong} and one with only exhausted budgets
     * {@code OK pong budget-exhausted=a,b}, as before heals were reported:
     * <ul>
     *   <li>{@code heals=<name>:<trigger>=<n>[:<trigger>=<n>...][,<name>:...]}: the commands that ran within
     *       the last hour, with the runs per trigger (watch, local, remote; none of 0), e.g.
     *       {@code heals=foo-restart:watch=2:remote=1};
     *   <li>{@code flapping=<name>[,<name>...]}: more runs than their {@code flap} allows in its window;
     *   <li>{@code budget-exhausted=<name>[,<name>...]};
     *   <li>{@code broken=<file>[,<file>...]}: drop-ins refused, so their workers are not healed.
     * </ul>
     */
    static Reply pong(List<HealHistory.Recent> recent, List<String> exhausted) {
        return pong(recent, exhausted, List.of());
    }

    static Reply pong(List<HealHistory.Recent> recent, List<String> exhausted, List<String> broken) {
        StringBuilder heals = new StringBuilder();
        StringBuilder flapping = new StringBuilder();
        for (HealHistory.Recent command : recent) {
            if (command.total() > 0) {
                heals.append(heals.length() == 0 ? " heals=" : ",").append(command.command());
                for (HealHistory.Trigger trigger : HealHistory.Trigger.values()) {
                    if (command.heals(trigger) > 0) {
                        heals.append(':').append(trigger.word).append('=').append(command.heals(trigger));
                    }
                }
            }
            if (command.flapping()) {
                flapping.append(flapping.length() == 0 ? " flapping=" : ",").append(command.command());
            }
        }
        String budgets = exhausted.isEmpty() ? "" : " budget-exhausted=" + String.join(",", exhausted);
        String refused = broken.isEmpty() ? "" : " broken=" + String.join(",", broken);
        return new Reply(Reason.NONE, "OK pong" + heals + flapping + budgets + refused);
    }

    /**
     * What the listener heals, for discovery, and nothing secret (no script, argument, environment or file):
     * {@code OK describe <n>}, then one line per watched worker, in name order,
     * {@code worker <name> url=<status URL> port=<its port> heal=<command> budget=<n/window|none>
     * settle=<seconds>s}, e.g. {@code worker foo url=http://10.0.0.5:8081/health port=8081 heal=foo-restart
     * budget=3/1h settle=120.00s}. A worker is what has a {@code watch.<name>.url}.
     */
    static Reply described(ListenerConfig config) {
        StringBuilder text = new StringBuilder("OK describe ").append(config.watches().size());
        for (WatchSpec w : config.watches().values()) {
            AllowedCommand heal = config.commands().get(w.heal());
            int port = w.url().getPort() > 0 ? w.url().getPort() : w.url().getScheme().equals("https") ? 443 : 80;
            text.append("\nworker ").append(w.name()).append(" url=").append(w.url().toASCIIString())
                    .append(" port=").append(port).append(" heal=").append(w.heal())
                    .append(" budget=").append(heal.budget().map(Budget::toString).orElse("none"))
                    .append(" settle=").append(seconds(heal.settle().toMillis() / 1000.0));
        }
        return new Reply(Reason.NONE, text.toString());
    }

    static Reply commands(List<String> names) {
        return new Reply(Reason.NONE, ("OK commands " + String.join(" ", names)).strip());
    }

    static Reply argumentsNotAllowed(String command) {
        return error(Reason.BAD_REQUEST, command, "arguments-not-allowed");
    }

    static Reply failed(String command, int exit, double seconds) {
        return error(Reason.FAILED, command, "exit=" + exit + " " + seconds(seconds));
    }

    static Reply timedOut(String command, double seconds) {
        return error(Reason.TIMEOUT, command, seconds(seconds));
    }

    static Reply error(Reason reason) {
        return new Reply(reason, "ERR " + reason.wire);
    }

    static Reply error(Reason reason, String command) {
        return new Reply(reason, "ERR " + reason.wire + " " + command);
    }

    static Reply error(Reason reason, String command, String detail) {
        return new Reply(reason, "ERR " + reason.wire + " " + command + " " + detail);
    }

    boolean ok() {
        return reason == Reason.NONE || reason == Reason.SETTLING;
    }

    /** Seconds with two decimals and a trailing s. */
    static String seconds(double seconds) {
        return decimal(seconds, 2) + "s";
    }

    /**
     * A non-negative number with a fixed count of decimals, any locale. Written by hand because
     * String.format loads the locale data, which costs a fresh JVM more than answering a ping.
     */
    static String decimal(double value, int decimals) {
        long scale = 1;
        for (int i = 0; i < decimals; i++) {
            scale *= 10;
        }
        long scaled = Math.round(Math.max(0, value) * scale);
        String fraction = Long.toString(scale + scaled % scale).substring(1);
        return (scaled / scale) + (decimals > 0 ? "." + fraction : "");
    }
}
