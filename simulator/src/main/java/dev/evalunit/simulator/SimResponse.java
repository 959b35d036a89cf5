package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * One response the simulator decided on, before it becomes WireMock's response definition. Not
 * thread-safe; it lives within one request.
 */
final class SimResponse {

    final int status;
    final byte[] body;
    final List<HttpHeader> headers = new ArrayList<>(16);
    String model;
    long delayMillis;
    Fault fault;
    /** What the request log keeps as the request's body, when not the body itself (a file upload). */
    String loggedBody;
    /**
     * Whether this is an answer of Anthropic's API, which carries its own {@code request-id} (set with its body)
     * instead of OpenAI's {@code x-request-id} and {@code openai-*} headers.
     */
    boolean anthropic;

    SimResponse(int status, byte[] body) {
        this.status = status;
        this.body = body;
    }

    /** A request refused with an error response, thrown from deep in its validation. */
    static final class Refused extends Exception {
        private final transient SimResponse response;

        Refused(SimResponse response) {
            super(null, null, false, false);
            this.response = response;
        }

        SimResponse response() {
            return response;
        }
    }

    static SimResponse error(int status, String message, String type, String param, String code) {
        return new SimResponse(status, OpenAiFormat.errorBody(message, type, param, code));
    }

    SimResponse header(String name, String value) {
        headers.add(new HttpHeader(name, value));
        return this;
    }

    boolean hasHeader(String name) {
        for (HttpHeader header : headers) {
            if (header.keyEquals(name)) {
                return true;
            }
        }
        return false;
    }

    SimResponse model(String model) {
        this.model = model;
        return this;
    }

    /** The status the request log records: 0 when the connection is cut instead of answered. */
    int loggedStatus() {
        return fault == null ? status : 0;
    }
}
