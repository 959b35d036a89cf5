package dev.evalunit.simulator;

/**
 * One request the simulator received and what it answered. Immutable. Headers are deliberately
 * absent: the Authorization header carries the API key, which must never be kept.
 *
 * @param method          the HTTP method
 * @param path            the path without the query, e.g. {@code /v1/chat/completions}
 * @param model           the body's {@code model}, or {@code null} when there was none
 * @param body            the request body as text
 * @param status          the HTTP status returned, or 0 when the connection was reset
 * @param receivedAtNanos when it arrived, on the simulator's {@link SimulatorOptions#nanoTime() clock}
 */
public record ReceivedRequest(String method, String path, String model, String body, int status, long receivedAtNanos) {

    /** Whether this was a chat completion request. */
    public boolean isChat() {
        return "POST".equals(method) && "/v1/chat/completions".equals(path);
    }
}
