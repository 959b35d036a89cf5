package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelTraitsTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // run's name,                       provider,   wire name,          max T, n,     logprobs
            "gpt-4o-mini,                        OPENAI,     gpt-4o-mini,        2.0,   true,  true",
            "openai:gpt-4.1-nano,                OPENAI,     gpt-4.1-nano,       2.0,   true,  true",
            "anthropic:claude-haiku-4-5,         ANTHROPIC,  claude-haiku-4-5,   1.0,   false, false",
            "anthropic:claude-haiku-4-5-20251001, ANTHROPIC, claude-haiku-4-5-20251001, 1.0, false, false",
            "anthropic:claude-opus-4-6,          ANTHROPIC,  claude-opus-4-6,    1.0,   false, false",
            "anthropic:claude-3-5-sonnet-latest, ANTHROPIC,  claude-3-5-sonnet-latest, 1.0, false, false",
            // from Claude Opus 4.7 on Anthropic removed temperature, top_p and top_k
            "anthropic:claude-opus-4-7,          ANTHROPIC,  claude-opus-4-7,    0.0,   false, false",
            "anthropic:claude-sonnet-5,          ANTHROPIC,  claude-sonnet-5,    0.0,   false, false",
            "anthropic:claude-haiku-5-5,         ANTHROPIC,  claude-haiku-5-5,   0.0,   false, false",
            "anthropic:claude-fable-5,           ANTHROPIC,  claude-fable-5,     0.0,   false, false",
            "anthropic:claude-mythos-preview,    ANTHROPIC,  claude-mythos-preview, 0.0, false, false",
    })
    void aModelsNameSaysItsProviderAndWhatItTakes(String model, ModelTraits.Vendor vendor, String wireName,
                                                   double maxTemperature, boolean choices, boolean logprobs) {
        ModelTraits traits = ModelTraits.of(model);

        assertThat(traits.vendor()).isEqualTo(vendor);
        assertThat(traits.wireName()).isEqualTo(wireName);
        assertThat(traits.maxTemperature()).isEqualTo(maxTemperature);
        assertThat(traits.choices()).isEqualTo(choices);
        assertThat(traits.logprobs()).isEqualTo(logprobs);
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource(delimiter = '|', value = {
            "anthropic:claude-haiku-4-5 | 0.0 | ",
            "anthropic:claude-haiku-4-5 | 1.0 | ",
            "anthropic:claude-haiku-4-5 | 1.5 | sets temperature 1.5, above 1, the most claude-haiku-4-5 takes",
            "gpt-4o-mini                | 2.0 | ",
            "anthropic:claude-opus-4-7  | 1.0 | ",
            "anthropic:claude-opus-4-7  | 0.0 | sets temperature 0.0, but claude-opus-4-7 takes none",
    })
    void aTemperatureAModelCannotTakeIsNamed(String model, double temperature, String problem) {
        if (problem == null) {
            assertThat(ModelTraits.of(model).temperatureProblem(temperature)).isEmpty();
        } else {
            assertThat(ModelTraits.of(model).temperatureProblem(temperature)).hasValueSatisfying(
                    p -> assertThat(p).startsWith(problem));
        }
    }
}
