package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import java.util.List;
import java.util.function.Function;

/**
 * A request's query parameters, checked as OpenAI checks them, and cursor pagination over a list. Not
 * thread-safe; it lives within one request.
 */
final class Query {

    private final Request request;

    Query(Request request) {
        this.request = request;
    }

    /** The parameter's first value, or {@code null} when absent. */
    String text(String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter == null || !parameter.isPresent() ? null : parameter.firstValue();
    }

    /** The parameter as an integer between {@code min} and {@code max}, or {@code null} when absent. */
    Integer integer(String name, int min, int max) throws SimResponse.Refused {
        String text = text(name);
        if (text == null) {
            return null;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SimResponse.Refused(SimResponse.error(400, "Invalid type for '" + name + "': expected an "
                    + "integer, but got '" + text + "' instead.", "invalid_request_error", name, "invalid_type"));
        }
        if (value < min || value > max) {
            throw new SimResponse.Refused(SimResponse.error(400, "Invalid '" + name + "': integer must be between "
                    + min + " and " + max + " but was " + value + ".", "invalid_request_error", name, "invalid_value"));
        }
        return value;
    }

    /**
     * The page of {@code items} (already in the list's order) that starts after the item whose id is
     * {@code after} (from the start when {@code null}; an id not in the list gives an empty page) and
     * holds at most {@code limit} items.
     */
    static <T> SimResponse page(List<T> items, Function<T, String> id, String after, int limit,
                                OpenAiFormat.ItemWriter<T> writer) {
        int from = 0;
        if (after != null) {
            from = items.size();
            for (int i = 0; i < items.size(); i++) {
                if (id.apply(items.get(i)).equals(after)) {
                    from = i + 1;
                    break;
                }
            }
        }
        int to = (int) Math.min(items.size(), (long) from + limit);
        return new SimResponse(200, OpenAiFormat.page(items.subList(from, to), id, to < items.size(), writer));
    }
}
