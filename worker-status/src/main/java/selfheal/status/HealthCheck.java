package selfheal.status;

/**
 * One named health check, registered with {@link StatusEndpoint#register(String, HealthCheck)}. Called on
 * every request, on a check thread, bounded by the endpoint's check timeout.
 */
@FunctionalInterface
public interface HealthCheck {
    /**
     * Observes the component now.
     *
     * @return the observation; {@code null} counts as a failure
     * @throws Exception any exception: the endpoint reports the check as failed, with the message as output
     */
    Observation check() throws Exception;
}
