package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One request the simulator received and what it answered. Immutable. Headers are deliberately
 * absent: the Authorization (OpenAI) and x-api-key (Anthropic) headers carry the API key, which must never be kept.
 *
 * @param method          the HTTP method
 * @param path            the path without the query, e.g. {@code /v1/chat/completions} or {@code /v1/messages}
 * @param model           the body's {@code model}, or {@code null} when there was none
 * @param body            the request body as text; for a file upload, a summary such as
 *                        {@code multipart/form-data: purpose=batch, file=requests.jsonl (5120 bytes)}
 * @param status          the HTTP status returned, or 0 when the connection was reset
 * @param receivedAtNanos when it arrived, on the simulator's {@link SimulatorOptions#nanoTime() clock}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ReceivedRequest(String method, String path, String model, String body, int status, long receivedAtNanos) {

    /** Whether this was a chat completion request. */
    public boolean isChat() {
        return "POST".equals(method) && "/v1/chat/completions".equals(path);
    }

    /** Whether this was a request to Anthropic's Messages API ({@code POST /v1/messages}). */
    public boolean isMessages() {
        return "POST".equals(method) && "/v1/messages".equals(path);
    }

    /**
     * The endpoint called, as the API reference names it: the method and the path with ids replaced,
     * such as {@code POST /v1/files}, {@code GET /v1/batches/{batch_id}},
     * {@code GET /v1/files/{file_id}/content} or {@code GET /v1/messages/batches/{message_batch_id}/results}.
     */
    public String endpoint() {
        return endpoint(method, path);
    }

    static String endpoint(String method, String path) {
        if (method.equals("POST") && path.equals("/v1/chat/completions")) {
            return "POST /v1/chat/completions";
        }
        if (path.indexOf("file-") < 0 && path.indexOf("batch_") < 0) {
            return method + " " + path;
        }
        StringBuilder template = new StringBuilder(method.length() + path.length() + 8).append(method).append(' ');
        for (String segment : path.substring(1).split("/", -1)) {
            template.append('/').append(segment.startsWith("file-") ? "{file_id}"
                    : segment.startsWith("batch_") ? "{batch_id}"
                    : segment.startsWith("msgbatch_") ? "{message_batch_id}" : segment);
        }
        return template.toString();
    }
}
