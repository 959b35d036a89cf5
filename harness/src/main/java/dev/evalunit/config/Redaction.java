package dev.evalunit.config;

/** How secrets are shown: never their characters beyond the well-known {@code sk-} prefix. */
final class Redaction {

    static final String REDACTED = "(redacted)";
    static final String NONE = "<none>";

    private Redaction() {
    }

    /** {@code sk-...(redacted)} for an OpenAI-style key, {@code (redacted)} for any other, {@code <none>} for none. */
    static String apiKey(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return NONE;
        }
        return apiKey.startsWith("sk-") ? "sk-..." + REDACTED : REDACTED;
    }
}
