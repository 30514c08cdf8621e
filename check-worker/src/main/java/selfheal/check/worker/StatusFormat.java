package selfheal.check.worker;

/** Reads one kind of status document into a report. */
@FunctionalInterface
interface StatusFormat {
    DocumentReport read(Document document) throws NotThisFormat;
}
