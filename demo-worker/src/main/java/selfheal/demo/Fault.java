package selfheal.demo;

import java.util.Locale;

/** The ways foo can be told to break, for demos and tests. */
enum Fault {
    /** The worker exits with status 70 and leaves its pidfile behind, as a crashed daemon does. */
    CRASH,
    /** The work loop stops for good while HTTP still answers: the heartbeat goes stale. */
    HANG,
    /** Every status answer is delayed (by --slow-delay), longer than a check's timeout. */
    SLOW,
    /**
     * The status endpoint serves the last health document it served, byte for byte, while the work goes on: a
     * status thread stuck behind a cache, whose heartbeat {@code time} no longer moves.
     */
    FREEZE,
    /** The worker exits with status 78 at start-up, before it binds its port. */
    REFUSE_START;

    /** The name used by --fault and in the flag file name: crash, hang, slow, freeze, refuse-start. */
    String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The flag file that switches this fault on: fault-crash, fault-hang, fault-slow, fault-freeze, ... */
    String flagFileName() {
        return "fault-" + optionName();
    }

    static Fault parse(String text) throws BadOption {
        for (Fault fault : values()) {
            if (fault.optionName().equals(text)) {
                return fault;
            }
        }
        throw new BadOption("unknown fault '" + text + "': use crash, hang, slow, freeze or refuse-start");
    }
}
