package selfheal.check.worker;

import java.util.List;
import selfheal.plugin.Status;

/** No known status document: the HTTP status alone decides, as check_http does. */
final class HttpStatusFormat implements StatusFormat {

    static final String NAME = "http";

    static Status map(int code) {
        if (code >= 200 && code < 400) {
            return Status.OK;
        }
        if (code >= 400 && code < 500) {
            return Status.WARNING;
        }
        if (code >= 500 && code < 600) {
            return Status.CRITICAL;
        }
        return Status.UNKNOWN;
    }

    @Override
    public DocumentReport read(Document document) {
        HttpResponse r = document.response();
        return DocumentReport.of(NAME, map(r.code()), r.statusLine(), List.of());
    }
}
