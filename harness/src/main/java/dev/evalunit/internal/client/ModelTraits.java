package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What a model accepts, by the name a run gives it: its provider (a name that starts with {@code anthropic:} is
 * Anthropic's, any other OpenAI's or an OpenAI-compatible server's), whether it takes a temperature and up to what,
 * several choices in one request ({@code n}), and log probabilities. The run checks a suite against these before it
 * sends anything, and the wire refuses what slipped through. Immutable.
 *
 * <p>Anthropic's models take a temperature from 0 to 1, except those from Claude Opus 4.7 on (any
 * {@code claude-*-5} and later, Fable, Mythos), from which Anthropic removed the sampling parameters: they
 * answer a request that sets one with a 400, and sample as at 1.0.
 *
 * @param vendor          who serves the model
 * @param wireName        the model's name on its provider's wire, without the prefix
 * @param maxTemperature  the highest temperature it takes, or 0 when it takes none
 * @param choices         whether one request may ask for several choices ({@code n})
 * @param logprobs        whether it returns log probabilities
 */
@API(status = INTERNAL, since = "0.1")
public record ModelTraits(Vendor vendor, String wireName, double maxTemperature, boolean choices,
                          boolean logprobs) {

    /** Who serves a model. */
    public enum Vendor {
        /** OpenAI, or an OpenAI-compatible server at {@code evalunit.openai.base-url}. */
        OPENAI,
        /** Anthropic's Messages API. */
        ANTHROPIC
    }

    /** The prefix of an Anthropic model's name in a run: {@code anthropic:claude-haiku-4-5}. */
    public static final String ANTHROPIC_PREFIX = "anthropic:";
    /** An optional prefix of an OpenAI model's name: {@code openai:gpt-4o-mini} is {@code gpt-4o-mini}. */
    public static final String OPENAI_PREFIX = "openai:";

    /** {@code claude-<family>-<major>[-<minor>]}; a minor of 8 digits is a snapshot's date, not a version. */
    private static final Pattern CLAUDE_VERSION = Pattern.compile("claude-[a-z]+-(\\d+)(?:-(\\d{1,2}))?(?:-.*)?");

    /** The traits of {@code model}, a run's name for it. */
    public static ModelTraits of(String model) {
        String lower = model.toLowerCase(Locale.ROOT);
        if (lower.startsWith(ANTHROPIC_PREFIX)) {
            String name = model.substring(ANTHROPIC_PREFIX.length());
            return new ModelTraits(Vendor.ANTHROPIC, name, takesSampling(name.toLowerCase(Locale.ROOT)) ? 1.0 : 0,
                    false, false);
        }
        String name = lower.startsWith(OPENAI_PREFIX) ? model.substring(OPENAI_PREFIX.length()) : model;
        return new ModelTraits(Vendor.OPENAI, name, 2.0, true, true);
    }

    /** The model's name on its provider's wire: {@code anthropic:claude-haiku-4-5} is {@code claude-haiku-4-5}. */
    public static String wireName(String model) {
        return of(model).wireName();
    }

    /** Whether jtokkit counts its tokens as it bills them: OpenAI's tokenizers are public, Claude's is not. */
    public boolean exactTokens() {
        return vendor == Vendor.OPENAI;
    }

    /** Whether a request to it may set a temperature. */
    public boolean takesTemperature() {
        return maxTemperature > 0;
    }

    /**
     * Why {@code temperature} cannot be asked of this model, or empty when it can. A model without sampling
     * parameters can be asked 1.0 (its own), which is then not sent.
     */
    public Optional<String> temperatureProblem(double temperature) {
        if (!takesTemperature()) {
            return temperature == 1.0 ? Optional.empty() : Optional.of("sets temperature " + temperature + ", but "
                    + wireName + " takes none (Anthropic removed the sampling parameters from Claude Opus 4.7 on): "
                    + "it samples as at 1.0, so ask it at @Temperatures({1.0}) or leave it out of evalunit.models");
        }
        return temperature > maxTemperature ? Optional.of("sets temperature " + temperature + ", above "
                + format(maxTemperature) + ", the most " + wireName + " takes") : Optional.empty();
    }

    private static boolean takesSampling(String name) {
        if (name.startsWith("claude-fable") || name.startsWith("claude-mythos")) {
            return false;
        }
        Matcher m = CLAUDE_VERSION.matcher(name);
        if (!m.matches()) {
            return true; // claude-3-5-sonnet and older names
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major < 4 || major == 4 && minor < 7;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
