package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/**
 * How OpenAI writes durations and error bodies. Stateless and thread-safe; the Jackson objects are
 * shared because creating them per request is the expensive part.
 */
final class OpenAiFormat {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A request's body as a JSON object, or {@code null} when it is empty, not JSON, or JSON of another kind. */
    static JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }
    static final JsonFactory FACTORY = JSON.getFactory();

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    /** Writes one item of a list. */
    @FunctionalInterface
    interface ItemWriter<T> {
        void write(JsonGenerator json, T item) throws IOException;
    }

    private OpenAiFormat() {
    }

    /**
     * A duration as OpenAI's {@code x-ratelimit-reset-*} headers and 429 messages write it (Go's
     * style): {@code 0s}, {@code 12ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}. Rounded
     * up to the millisecond, because a client that waits the rounded-down time would be refused again.
     */
    static String duration(long nanos) {
        long millis = nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder(12);
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long secondMillis = millis % 60_000;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(secondMillis / 1000);
        long fraction = secondMillis % 1000;
        if (fraction != 0) {
            String digits = Long.toString(1000 + fraction).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(digits, 0, end);
        }
        return text.append('s').toString();
    }

    /** Milliseconds rounded up, as {@code retry-after-ms} reports them. */
    static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    /** Whole seconds rounded up and at least 1, as {@code retry-after} reports them. */
    static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
    }

    /** OpenAI's error body: {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}. */
    static byte[] errorBody(String message, String type, String param, String code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + message.length());
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("message", message);
            json.writeStringField("type", type);
            json.writeStringField("param", param);
            json.writeStringField("code", code);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The bytes of what {@code writer} writes. */
    static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * One page of a cursor-paginated list, as OpenAI writes them:
     * {@code {"object":"list","data":[..],"first_id":..,"last_id":..,"has_more":..}}.
     */
    static <T> byte[] page(List<T> items, Function<T, String> id, boolean hasMore, ItemWriter<T> item) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (T each : items) {
                item.write(json, each);
            }
            json.writeEndArray();
            json.writeStringField("first_id", items.isEmpty() ? null : id.apply(items.get(0)));
            json.writeStringField("last_id", items.isEmpty() ? null : id.apply(items.get(items.size() - 1)));
            json.writeBooleanField("has_more", hasMore);
            json.writeEndObject();
        });
    }
}
