package dev.evalunit.internal.report.allure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.internal.client.Redactor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run-level files of Allure's results directory: {@code environment.properties}, shown as the
 * report's Environment widget, and {@code categories.json}, which sorts results that did not pass
 * into the report's Categories. Stateless.
 */
final class RunFiles {

    static final String ENVIRONMENT = "environment.properties";
    static final String CATEGORIES = "categories.json";

    /** Matches any text, line breaks included, in Java's regular expressions and JavaScript's (Allure 3). */
    private static final String ANY = "[\\s\\S]*";

    private RunFiles() {
    }

    /**
     * What the run was configured with: model, base URL host (never the whole URL, which may carry
     * credentials), whether answers are simulated, batch mode, concurrency and limits.
     *
     * @param baseUrl   the base URL requests go to (the simulator's, when there is no key)
     * @param simulated whether the built-in simulator answers
     */
    static Map<String, String> environment(EvalConfig config, URI baseUrl, boolean simulated) {
        RateLimitConfig limits = config.rateLimit();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("model", config.defaultModel());
        env.put("fallback-model", config.fallbackModel().orElse("none"));
        env.put("base-url.host", baseUrl.getHost() == null ? "?" : baseUrl.getHost());
        env.put("mode", simulated ? "simulated (built-in simulator, no API key)" : "live");
        env.put("batch.mode", config.batch().mode().name().toLowerCase(Locale.ROOT)
                + (config.values().getBoolean(ConfigKeys.URGENT, false) ? " (urgent: real time)" : ""));
        env.put("concurrency", (limits.derived() ? "rate x latency, up to " : "") + limits.maxConcurrency()
                + (limits.adaptive() ? " (adaptive)" : ""));
        env.put("rate-limit.rpm", limits.requestsPerMinute().isPresent()
                ? String.valueOf(limits.requestsPerMinute().getAsLong()) : "from x-ratelimit headers");
        env.put("rate-limit.tpm", limits.tokensPerMinute().isPresent()
                ? String.valueOf(limits.tokensPerMinute().getAsLong()) : "from x-ratelimit headers");
        env.put("retry.max-attempts", String.valueOf(config.retry().maxAttempts()));
        env.put("budget.usd", config.budgetUsd().isPresent()
                ? String.format(Locale.ROOT, "%.2f", config.budgetUsd().getAsDouble()) : "none");
        return env;
    }

    static void writeEnvironment(Path dir, Map<String, String> env, Redactor redactor) throws IOException {
        StringBuilder out = new StringBuilder();
        env.forEach((key, value) -> out.append(escape(key, true)).append('=')
                .append(escape(redactor.redact(value), false)).append('\n'));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ENVIRONMENT), out, StandardCharsets.ISO_8859_1);
    }

    /** Escapes as {@link java.util.Properties#load} reads it: separators, line breaks, non-Latin-1 characters. */
    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append('\\').append(ch);
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Allure's categories, first match wins: a wrong answer; a request that failed after retries, by the
     * client's error kind (its message starts with the kind: {@code rate limited (HTTP 429) from ...});
     * a defect of the test code; and, among skipped invocations, those waiting on a batch, those the
     * run's interruption stopped, and those left without a score.
     */
    static void writeCategories(Path dir, ObjectMapper mapper) throws IOException {
        ArrayNode categories = mapper.createArrayNode();
        category(categories, "Wrong answer", "failed", null);
        category(categories, "Rate limited", "broken", "rate limited" + ANY);
        category(categories, "Quota exhausted", "broken", "quota exhausted" + ANY);
        category(categories, "Timeout", "broken", "timeout" + ANY);
        category(categories, "Circuit open", "broken", "circuit open" + ANY);
        category(categories, "Budget exceeded", "broken", "budget exceeded" + ANY);
        category(categories, "Authentication", "broken", "authentication" + ANY);
        category(categories, "Request failed", "broken",
                "(invalid request|server error|connection|malformed response|cancelled|unexpected)" + ANY);
        category(categories, "Test defect", "broken", null);
        category(categories, "Waiting for a batch", "skipped", "(waiting for batch|waiting to be submitted)" + ANY);
        category(categories, "Interrupted", "skipped", "the run was interrupted" + ANY);
        category(categories, "Not sent", "skipped", "not sent" + ANY);
        category(categories, "Not scored", "skipped", null);
        Files.createDirectories(dir);
        mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CATEGORIES).toFile(), categories);
    }

    private static void category(ArrayNode categories, String name, String status, String messageRegex) {
        ObjectNode c = categories.addObject().put("name", name);
        c.putArray("matchedStatuses").add(status);
        if (messageRegex != null) {
            c.put("messageRegex", messageRegex);
        }
    }

    /** The names Allure's writers give results, containers and attachments, and our run-level files. */
    static boolean isResultFile(String name) {
        return name.endsWith("-result.json") || name.endsWith("-container.json") || name.contains("-attachment")
                || name.equals(ENVIRONMENT) || name.equals(CATEGORIES);
    }
}
