package dev.evalunit.internal.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.evalunit.Completion;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One line of a checkpoint file, schema version {@value #SCHEMA}: what was asked and what came back.
 *
 * <pre>{@code
 * {"v":1,"suite":"TruthfulQA","test":"picksTheTrueOption","questionId":"tqa-0042","temperature":0.5,"sample":2,
 *  (for a later stage: "stage":"call 9e1b2c3d4e5f6a7b#1",)
 *  "model":"gpt-4o-mini","requestHash":"3f2a9c0d5e6b7a81","origin":"live api.openai.com/v1",
 *  "finishedAt":"2025-08-07T10:15:00.123Z",
 *  "completion":{"text":"B","choices":["B"],"finishReason":"stop","model":"gpt-4o-mini-2024-07-18",
 *   "promptTokens":52,"completionTokens":1,"cachedTokens":0,"latencyMs":412.5,"elapsedMs":530.25,"attempts":1,
 *   "requestId":"req_123","systemFingerprint":"fp_44","costUsd":8.4E-6,"logprobs":[...]}}
 * }</pre>
 *
 * Durations are milliseconds with up to six decimals, so they read back to the nanosecond. Nothing
 * of the request beyond its hash is stored, and no header or setting: the API key cannot get here.
 * {@code origin} is where the answer came from ({@link Origin#id()}); lines written before it was
 * recorded have none, and are never replayed. An answer the fallback model gave in place of the
 * request's own has {@code "fallbackModel"} in its completion.
 * Readers ignore fields they do not know, so a later version may add fields without a new schema number.
 */
record CheckpointLine(int v, String suite, String test, String questionId, double temperature, int sample,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) String stage, String model, String requestHash,
                      String origin, String finishedAt, Answer completion) {

    static final int SCHEMA = 1;

    static final ObjectReader READER = Json.MAPPER.readerFor(CheckpointLine.class);
    static final ObjectWriter WRITER = Json.MAPPER.writerFor(CheckpointLine.class);

    static CheckpointLine of(InvocationKey key, Origin origin, Completion c, Instant finishedAt) {
        Answer answer = new Answer(c.text(), c.choices(), c.finishReason(), c.model(), c.promptTokens(),
                c.completionTokens(), c.cachedTokens(), millis(c.latency()), millis(c.elapsed()), c.attempts(),
                c.requestId(), c.systemFingerprint(), c.costUsd(), c.logprobs(), c.fallbackModel());
        return new CheckpointLine(SCHEMA, key.suite(), key.test(), key.questionId(), key.temperature(), key.sample(),
                key.stage(), key.model(), key.requestHash(), origin.forModel(key.model()).id(), finishedAt.toString(), answer);
    }

    /**
     * The key of the line. Lines written before stages had a field of their own named a body's call in the
     * test, as {@code answersTruthfully call 3f2a...#1}: read as that test's stage {@code call 3f2a...#1}.
     */
    InvocationKey key() {
        return key(suite, test, questionId, temperature, sample, stage, model, requestHash);
    }

    private static InvocationKey key(String suite, String test, String questionId, double temperature, int sample,
                                     String stage, String model, String requestHash) {
        if ((stage == null || stage.isEmpty()) && test.contains(OLD_CALL)) {
            int at = test.indexOf(OLD_CALL);
            return new InvocationKey(suite, test.substring(0, at), questionId, temperature, sample, model, requestHash,
                    test.substring(at + 1));
        }
        return new InvocationKey(suite, test, questionId, temperature, sample, model, requestHash,
                stage == null ? "" : stage);
    }

    private static final String OLD_CALL = " call ";

    /** The stored answer as a {@link Completion}. */
    Completion toCompletion() {
        Answer a = completion;
        List<String> choices = a.choices() == null ? null
                : a.choices().size() == 1 && a.choices().get(0).equals(a.text()) ? List.of(a.text()) : a.choices();
        Completion c = new Completion(a.text(), choices, a.finishReason(), a.model(), a.promptTokens(),
                a.completionTokens(), a.cachedTokens(), duration(a.latencyMs()), duration(a.elapsedMs()), a.attempts(),
                a.requestId(), a.systemFingerprint(), a.costUsd(), a.logprobs() == null ? List.of() : a.logprobs());
        return a.fallbackModel() == null ? c : c.withFallbackModel(a.fallbackModel());
    }

    /**
     * What loading a store needs of a line, read without its answer's text, choices and log probabilities (the
     * parser skips them, making no object of them): which request and draw it answers, where it came from,
     * whether the fallback model gave it.
     */
    record Head(int v, String suite, String test, String questionId, double temperature, int sample, String stage,
                String model, String requestHash, String origin, boolean fromFallback) {

        /**
         * Reads the head of the line in {@code bytes[from, from + length)}.
         *
         * @throws IOException when it is not JSON (a line cut short)
         * @throws RuntimeException when a field the key needs is missing
         */
        static Head read(byte[] bytes, int from, int length) throws IOException {
            int v = 0;
            int sample = 0;
            double temperature = 0;
            String suite = null;
            String test = null;
            String questionId = null;
            String stage = null;
            String model = null;
            String requestHash = null;
            String origin = null;
            boolean fallback = false;
            try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes, from, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new JsonParseException(p, "a checkpoint line is a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    switch (name) {
                        case "v" -> v = p.getIntValue();
                        case "suite" -> suite = p.getText();
                        case "test" -> test = p.getText();
                        case "questionId" -> questionId = p.getText();
                        case "temperature" -> temperature = p.getDoubleValue();
                        case "sample" -> sample = p.getIntValue();
                        case "stage" -> stage = p.getText();
                        case "model" -> model = p.getText();
                        case "requestHash" -> requestHash = p.getText();
                        case "origin" -> origin = p.getText();
                        case "completion" -> fallback = fallbackIn(p);
                        default -> p.skipChildren(); // finishedAt, and fields a later version adds
                    }
                }
                if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                    throw new JsonParseException(p, "a checkpoint line is one JSON object");
                }
            }
            return new Head(v, suite, test, questionId, temperature, sample, stage, model, requestHash, origin, fallback);
        }

        /** Whether the completion object the parser is at names a fallback model; leaves the parser after it. */
        private static boolean fallbackIn(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return false;
            }
            boolean fallback = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("fallbackModel")) {
                    fallback = p.currentToken() == JsonToken.VALUE_STRING;
                } else {
                    p.skipChildren();
                }
            }
            return fallback;
        }

        InvocationKey key() {
            return CheckpointLine.key(suite, test, questionId, temperature, sample, stage, model, requestHash);
        }
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static Duration duration(double millis) {
        return Duration.ofNanos(Math.round(millis * 1e6));
    }

    /** The {@link Completion} as stored; logprobs are left out when there are none, the fallback model when none answered. */
    record Answer(String text, List<String> choices, String finishReason, String model, int promptTokens,
                  int completionTokens, int cachedTokens, double latencyMs, double elapsedMs, int attempts,
                  String requestId, String systemFingerprint, double costUsd,
                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Completion.TokenLogprob> logprobs,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String fallbackModel) {
    }
}
