package dev.evalunit.config;

import java.util.regex.Pattern;

/** How secrets are shown: never their characters beyond the well-known {@code sk-} prefix. */
final class Redaction {

    /**
     * The user and password of an address, {@code redis://:pw@host}: what goes between {@code ://} and the last
     * {@code @} before a space. A password may hold {@code /} or {@code @} (a URL should escape them, people do not);
     * taking the last {@code @} may hide a little more than the credentials, never less.
     */
    private static final Pattern CREDENTIALS = Pattern.compile("(://)\\S*@");

    static final String REDACTED = "(redacted)";
    static final String NONE = "<none>";

    private Redaction() {
    }

    /** {@code value} with the credentials of any address in it redacted: {@code redis://(redacted)@host:6379}. */
    static String credentials(String value) {
        return value == null ? null : CREDENTIALS.matcher(value).replaceAll("$1" + REDACTED + "@");
    }

    /** {@code sk-...(redacted)} for an OpenAI-style key, {@code (redacted)} for any other, {@code <none>} for none. */
    static String apiKey(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return NONE;
        }
        return apiKey.startsWith("sk-") ? "sk-..." + REDACTED : REDACTED;
    }
}
