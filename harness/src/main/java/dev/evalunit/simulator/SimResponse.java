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

    SimResponse(int status, byte[] body) {
        this.status = status;
        this.body = body;
    }

    static SimResponse error(int status, String message, String type, String param, String code) {
        return new SimResponse(status, OpenAiFormat.errorBody(message, type, param, code));
    }

    SimResponse header(String name, String value) {
        headers.add(new HttpHeader(name, value));
        return this;
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
