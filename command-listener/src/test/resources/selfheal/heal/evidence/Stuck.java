/**
 * A worker stuck as real ones get stuck: "order-writer" holds the store's lock and never lets go, and the
 * "heartbeat" thread waits for that lock. Prints "ready" once both are in place. Run with the source launcher.
 */
public class Stuck {
    public static void main(String[] args) throws Exception {
        Object store = new Object();
        Thread writer = new Thread(() -> {
            synchronized (store) {
                sleep();
            }
        }, "order-writer");
        writer.start();
        while (writer.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(10);
        }
        Thread heartbeat = new Thread(() -> {
            synchronized (store) {
                System.out.println("never");
            }
        }, "heartbeat");
        heartbeat.start();
        while (heartbeat.getState() != Thread.State.BLOCKED) {
            Thread.sleep(10);
        }
        System.out.println("ready");
        System.out.flush();
        sleep();
    }

    private static void sleep() {
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            // ends
        }
    }
}
