package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTests {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "500ms,    PT0.5S",
            "30s,      PT30S",
            "6m0s,     PT6M",
            "1h,       PT1H",
            "1.5s,     PT1.5S",
            "2m,       PT2M",
            "250us,    PT0.00025S",
            "250µs,    PT0.00025S",
            "80ns,     PT0.00000008S",
            "12ms,     PT0.012S",
            "1s,       PT1S",
            "0s,       PT0S",
            "0,        PT0S",
            "1h2m3.5s, PT1H2M3.5S",
            "1.5h,     PT1H30M",
            "0.1s,     PT0.1S",
            "17.28s,   PT17.28S",
            "1d,       PT24H",
            "1d2h,     PT26H",
            "PT30S,    PT30S",
            "pt1m30s,  PT1M30S",
            "' 30s ',  PT30S",
    })
    void parsesGoStyleAndIso(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "PT6M,          6m0s",
            "PT1S,          1s",
            "PT0.012S,      12ms",
            "PT1.5S,        1.5s",
            "PT0S,          0s",
            "PT1H,          1h0m0s",
            "PT1H2M3.5S,    1h2m3.5s",
            "PT0.0015S,     1.5ms",
            "PT0.00025S,    250us",
            "PT0.00000008S, 80ns",
            "PT26H,         26h0m0s",
            "PT0.000000001S, 1ns",
            "PT59.999999999S, 59.999999999s",
    })
    void formatsLikeOpenAiHeaders(String iso, String expected) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"6m0s", "12ms", "1s", "1.5s", "1h2m3.5s", "250us", "80ns", "1.000001s", "0s", "100h0m0s"})
    void formatThenParseRoundTrips(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }

    @Test
    void roundTripsAwkwardValues() {
        for (Duration d : new Duration[] {
                Duration.ofNanos(1), Duration.ofNanos(999_999_999), Duration.ofMillis(61_001),
                Duration.ofSeconds(3_599, 123_456_789), Duration.ofDays(400).plusNanos(7)}) {
            assertThat(Durations.parse(Durations.format(d))).as(d.toString()).isEqualTo(d);
        }
    }

    @Test
    void formatsNegativeWithMinusSign() {
        assertThat(Durations.format(Duration.ofMillis(-1500))).isEqualTo("-1.5s");
    }

    @ParameterizedTest(name = "\"{0}\" {1}")
    @CsvSource(delimiter = '|', value = {
            "30         | the number at the end needs a unit",
            "1h30       | the number at the end needs a unit",
            "5 minutes  | unknown unit \" minutes\"",
            "3x         | unknown unit \"x\"",
            "abc        | a number is missing at position 1",
            ".s         | a number is missing at position 2",
            "-5s        | must not be negative",
            "PT-5S      | must not be negative",
            "P1X        | not valid ISO-8601",
            "99999999999999999999s | too large",
    })
    void rejectsBadInputWithClearMessage(String text, String reason) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessageContaining(reason)
                .withMessageContaining(text);
    }

    @Test
    void rejectsEmptyAndNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("  "))
                .withMessage("expected a duration such as 500ms, 30s, 6m0s, 1h, 1.5s or PT30S but was empty");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(null))
                .withMessageEndingWith("but was null");
    }

    @Test
    void messageForMissingUnitNamesInputAndExpectation() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("30"))
                .withMessage("expected a duration such as 500ms, 30s, 6m0s, 1h, 1.5s or PT30S but was \"30\": "
                        + "the number at the end needs a unit (ns, us, ms, s, m, h or d)");
    }
}
