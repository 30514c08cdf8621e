package selfheal.check.worker;

import selfheal.plugin.Status;

/**
 * One part of a worker's health as its status document reports it.
 *
 * @param state the document's own word for it, e.g. "fail", "DOWN", "healthy"
 * @param detail extra text for the long output, "" when none
 */
record Component(String name, Status status, String state, String detail) {

    Component {
        detail = detail == null ? "" : detail.strip();
    }

    String line() {
        return "[" + status.name() + "] " + name + ": " + state + (detail.isEmpty() ? "" : ", " + detail);
    }
}
