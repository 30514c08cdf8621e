package selfheal.heal;

/** SIGHUP for a resident process, through the JDK's sun.misc.Signal (module jdk.unsupported, always there). */
final class Signals {
    private Signals() {
    }

    static void onHangup(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
    }
}
