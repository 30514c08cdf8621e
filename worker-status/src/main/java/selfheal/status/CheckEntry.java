package selfheal.status;

/** One entry of the {@code checks} object: the key, the component it describes, and its observation. */
record CheckEntry(String name, String componentId, Observation observation) {
}
