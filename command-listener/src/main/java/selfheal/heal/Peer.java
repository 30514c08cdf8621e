package selfheal.heal;

import java.util.Optional;

/**
 * Who is asking. A remote peer has an address that must be in {@code allow}. A local operator (stdin is a pipe
 * or a terminal, no REMOTE_HOST) runs the listener under their own user, so can do nothing they could not do
 * anyway, and is let through the address check; so is a component in this JVM that asks by itself
 * ({@link #inProcess}). A peer whose address cannot be told is refused.
 *
 * @param label how the audit log and the script's {@code SELFHEAL_PEER} name it
 * @param onHost whether it asks from this host without a socket: a local operator or an in-process component
 * @param client who its TLS client certificate says it is; empty without TLS
 */
record Peer(Optional<IpAddress> address, String label, boolean onHost, Optional<TlsClientIdentity> client) {

    Peer(Optional<IpAddress> address, String label, boolean onHost) {
        this(address, label, onHost, Optional.empty());
    }

    static Peer remote(IpAddress address) {
        return new Peer(Optional.of(address), address.toString(), false);
    }

    static Peer local() {
        return new Peer(Optional.empty(), "local", true);
    }

    /** This peer, having proved with its certificate that it is {@code identity}. */
    Peer withClient(TlsClientIdentity identity) {
        return new Peer(address, label, onHost, Optional.of(identity));
    }

    /**
     * A component in this JVM that asks through {@link HealPath#handle}, named for the audit log (e.g.
     * {@code watch}). It runs as the listener's own user, so like a local operator it passes {@code allow}.
     */
    static Peer inProcess(String name) {
        if (!Chars.isName(name) || name.equals("local")) {
            throw new IllegalArgumentException("an in-process requester is named [A-Za-z0-9][A-Za-z0-9_-]*"
                    + " and not 'local': " + name);
        }
        return new Peer(Optional.empty(), name, true);
    }

    /** REMOTE_HOST held something that is not an address: refused, and recorded as received. */
    static Peer unknown(String what) {
        return new Peer(Optional.empty(), "unknown:" + what, false);
    }

    /** The operator on a pipe or terminal: the only one who may {@code --reset}. */
    boolean isLocal() {
        return onHost && label.equals("local");
    }

    boolean allowedBy(ListenerConfig config) {
        return onHost || (address.isPresent() && config.allows(address.get()));
    }

    /**
     * Whether it may run {@code command} by its client identity: a requester on this host may (it could run
     * the script itself), any other only if its identity is among the command's clients.
     */
    boolean mayRun(AllowedCommand command) {
        return onHost || command.clients().admit(client.orElse(null));
    }

    /**
     * What the audit log's {@code client} field says: the identity, or {@code none}; null (no field) when the
     * listener speaks no TLS, so that its records stay as they were.
     */
    String auditedClient(ListenerConfig config) {
        return config == null || config.tls().isEmpty() ? null : client.map(TlsClientIdentity::label).orElse("none");
    }
}
