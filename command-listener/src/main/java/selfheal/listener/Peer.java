package selfheal.listener;

import java.util.Optional;

/**
 * Who is asking. A remote peer has an address that must be in {@code allow}. A local operator (stdin is a pipe
 * or a terminal, no REMOTE_HOST) runs the listener under their own user, so can do nothing they could not do
 * anyway, and is let through the address check. A peer whose address cannot be told is refused.
 */
record Peer(Optional<IpAddress> address, String label) {

    static Peer remote(IpAddress address) {
        return new Peer(Optional.of(address), address.toString());
    }

    static Peer local() {
        return new Peer(Optional.empty(), "local");
    }

    /** REMOTE_HOST held something that is not an address: refused, and recorded as received. */
    static Peer unknown(String what) {
        return new Peer(Optional.empty(), "unknown:" + what);
    }

    boolean isLocal() {
        return address.isEmpty() && label.equals("local");
    }

    boolean allowedBy(ListenerConfig config) {
        return isLocal() || (address.isPresent() && config.allows(address.get()));
    }
}
