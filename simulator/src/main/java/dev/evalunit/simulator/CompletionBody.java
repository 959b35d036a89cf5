package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Writes a 200 body shaped like OpenAI's {@code CreateChatCompletionResponse}, streaming with
 * Jackson's generator because building a tree per request costs the CPU a client benchmark shares.
 * Stateless and thread-safe.
 */
final class CompletionBody {

    /** One generated choice. {@code tokens} is filled only when logprobs were asked for. */
    record Choice(String text, String finishReason, int completionTokens, IntArrayList tokens, Random random) {
    }

    // Common tokens offered as the runners-up of a sentence token.
    private static final String[] FILLERS = {" the", " a", ",", " and", ".", " of", " to", " is", " in", " that",
        " it", " for", " on", " with", " as", " was", " be", " at", " by", " this"};

    private CompletionBody() {
    }

    static byte[] write(String id, long created, String model, List<Choice> choices, int promptTokens,
                        int completionTokens, ChatBody body, Encoding encoding) {
        return write(id, created, model, choices, promptTokens, completionTokens, body, encoding, true);
    }

    /** As above; without {@code usage} when {@code withUsage} is false, as some OpenAI-compatible servers answer. */
    static byte[] write(String id, long created, String model, List<Choice> choices, int promptTokens,
                        int completionTokens, ChatBody body, Encoding encoding, boolean withUsage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(700);
        try (JsonGenerator json = OpenAiFormat.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeStringField("object", "chat.completion");
            json.writeNumberField("created", created);
            json.writeStringField("model", model);
            json.writeArrayFieldStart("choices");
            for (int i = 0; i < choices.size(); i++) {
                Choice choice = choices.get(i);
                json.writeStartObject();
                json.writeNumberField("index", i);
                json.writeObjectFieldStart("message");
                json.writeStringField("role", "assistant");
                json.writeStringField("content", choice.text());
                json.writeNullField("refusal");
                json.writeArrayFieldStart("annotations");
                json.writeEndArray();
                json.writeEndObject();
                if (body.logprobs()) {
                    writeLogprobs(json, choice, body, encoding);
                } else {
                    json.writeNullField("logprobs");
                }
                json.writeStringField("finish_reason", choice.finishReason());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (withUsage) {
                writeUsage(json, promptTokens, completionTokens);
            }
            json.writeStringField("service_tier", "default");
            json.writeStringField("system_fingerprint", "fp_simulator");
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeUsage(JsonGenerator json, int promptTokens, int completionTokens) throws IOException {
        json.writeObjectFieldStart("usage");
        json.writeNumberField("prompt_tokens", promptTokens);
        json.writeNumberField("completion_tokens", completionTokens);
        json.writeNumberField("total_tokens", promptTokens + completionTokens);
        json.writeObjectFieldStart("prompt_tokens_details");
        json.writeNumberField("cached_tokens", 0);
        json.writeNumberField("audio_tokens", 0);
        json.writeEndObject();
        json.writeObjectFieldStart("completion_tokens_details");
        json.writeNumberField("reasoning_tokens", 0);
        json.writeNumberField("audio_tokens", 0);
        json.writeNumberField("accepted_prediction_tokens", 0);
        json.writeNumberField("rejected_prediction_tokens", 0);
        json.writeEndObject();
        json.writeEndObject();
    }

    /**
     * Plausible log probabilities: the chosen token is always the most likely; a one-letter answer to a
     * lettered question has the other option letters as runners-up, other text has common tokens.
     */
    private static void writeLogprobs(JsonGenerator json, Choice choice, ChatBody body, Encoding encoding)
            throws IOException {
        Random random = choice.random();
        String letters = choice.text().length() == 1
                ? DefaultAnswerer.optionLetters(body.request().lastUserMessage()) : "";
        if (letters.isEmpty() && choice.text().length() == 1 && Character.isUpperCase(choice.text().charAt(0))) {
            letters = "ABCD";
        }
        boolean letterAnswer = !letters.isEmpty();
        json.writeObjectFieldStart("logprobs");
        json.writeArrayFieldStart("content");
        IntArrayList tokens = choice.tokens();
        IntArrayList single = new IntArrayList(1);
        single.add(0);
        for (int t = 0; t < tokens.size(); t++) {
            single.set(0, tokens.get(t));
            byte[] bytes = encoding.decodeBytes(single);
            String token = new String(bytes, StandardCharsets.UTF_8);
            double logprob = letterAnswer ? Math.log(0.55 + 0.4 * random.nextDouble()) : -0.6 * random.nextDouble();
            json.writeStartObject();
            writeToken(json, token, logprob, bytes);
            json.writeArrayFieldStart("top_logprobs");
            if (body.topLogprobs() > 0) {
                json.writeStartObject();
                writeToken(json, token, logprob, bytes);
                json.writeEndObject();
                double next = logprob;
                double rest = Math.log1p(-Math.exp(logprob));
                int written = 1;
                int candidates = letterAnswer ? letters.length() : FILLERS.length;
                for (int c = 0; c < candidates && written < body.topLogprobs(); c++) {
                    String alternative = letterAnswer ? String.valueOf(letters.charAt(c)) : FILLERS[c];
                    if (alternative.equals(token)) {
                        continue;
                    }
                    // Each runner-up takes a shrinking share of what the chosen token left over.
                    next = Math.min(next - 0.1, rest - written * (0.5 + random.nextDouble()));
                    json.writeStartObject();
                    writeToken(json, alternative, next, alternative.getBytes(StandardCharsets.UTF_8));
                    json.writeEndObject();
                    written++;
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNullField("refusal");
        json.writeEndObject();
    }

    private static void writeToken(JsonGenerator json, String token, double logprob, byte[] bytes) throws IOException {
        json.writeStringField("token", token);
        json.writeNumberField("logprob", logprob);
        json.writeArrayFieldStart("bytes");
        for (byte b : bytes) {
            json.writeNumber(b & 0xFF);
        }
        json.writeEndArray();
    }
}
