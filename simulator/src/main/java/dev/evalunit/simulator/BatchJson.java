package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes OpenAI's {@code Batch} object and the lines of a batch's output and error files
 * ({@code BatchRequestOutput}). Stateless and thread-safe.
 */
final class BatchJson {

    private BatchJson() {
    }

    static byte[] batch(SimBatch.Snapshot batch) {
        return OpenAiFormat.write(json -> write(json, batch));
    }

    static void write(JsonGenerator json, SimBatch.Snapshot batch) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", batch.id());
        json.writeStringField("object", "batch");
        json.writeStringField("endpoint", batch.endpoint());
        if (batch.errors().isEmpty()) {
            json.writeNullField("errors");
        } else {
            json.writeObjectFieldStart("errors");
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (BatchInput.Error error : batch.errors()) {
                json.writeStartObject();
                json.writeStringField("code", error.code());
                json.writeStringField("message", error.message());
                json.writeStringField("param", error.param());
                nullable(json, "line", error.line() == null ? null : error.line().longValue());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeStringField("input_file_id", batch.inputFileId());
        json.writeStringField("completion_window", "24h");
        json.writeStringField("status", batch.status().wireName());
        json.writeStringField("output_file_id", batch.outputFileId());
        json.writeStringField("error_file_id", batch.errorFileId());
        json.writeNumberField("created_at", batch.createdAt());
        nullable(json, "in_progress_at", batch.inProgressAt());
        json.writeNumberField("expires_at", batch.expiresAt());
        nullable(json, "finalizing_at", batch.finalizingAt());
        nullable(json, "completed_at", batch.completedAt());
        nullable(json, "failed_at", batch.failedAt());
        nullable(json, "expired_at", batch.expiredAt());
        nullable(json, "cancelling_at", batch.cancellingAt());
        nullable(json, "cancelled_at", batch.cancelledAt());
        json.writeObjectFieldStart("request_counts");
        json.writeNumberField("total", batch.total());
        json.writeNumberField("completed", batch.completed());
        json.writeNumberField("failed", batch.failed());
        json.writeEndObject();
        if (batch.metadata() == null) {
            json.writeNullField("metadata");
        } else {
            json.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> entry : batch.metadata().entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
        }
        json.writeStringField("model", batch.model());
        json.writeObjectFieldStart("usage");
        json.writeNumberField("input_tokens", batch.inputTokens());
        json.writeObjectFieldStart("input_tokens_details");
        json.writeNumberField("cached_tokens", 0);
        json.writeEndObject();
        json.writeNumberField("output_tokens", batch.outputTokens());
        json.writeObjectFieldStart("output_tokens_details");
        json.writeNumberField("reasoning_tokens", 0);
        json.writeEndObject();
        json.writeNumberField("total_tokens", batch.inputTokens() + batch.outputTokens());
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Appends one line of a request that ran: {@code response} holds its status and body, {@code error} is null. */
    static void line(ByteArrayOutputStream out, String customId, int status, byte[] body) {
        append(out, OpenAiFormat.write(json -> {
            json.writeStartObject();
            json.writeStringField("id", Ids.batchRequestId());
            json.writeStringField("custom_id", customId);
            json.writeObjectFieldStart("response");
            json.writeNumberField("status_code", status);
            json.writeStringField("request_id", Ids.requestId());
            json.writeFieldName("body");
            json.writeRawValue(new String(body, StandardCharsets.UTF_8));
            json.writeEndObject();
            json.writeNullField("error");
            json.writeEndObject();
        }));
    }

    /** Appends one line of a request that never ran: no {@code response}, an {@code error} with code and message. */
    static void unrun(ByteArrayOutputStream out, String customId, String code, String message) {
        append(out, OpenAiFormat.write(json -> {
            json.writeStartObject();
            json.writeStringField("id", Ids.batchRequestId());
            json.writeStringField("custom_id", customId);
            json.writeNullField("response");
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        }));
    }

    private static void append(ByteArrayOutputStream out, byte[] line) {
        out.writeBytes(line);
        out.write('\n');
    }

    private static void nullable(JsonGenerator json, String name, Long value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, value);
        }
    }
}
