package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * One sampling temperature of a benchmark invocation, injected into test methods.
 *
 * @param value 0 to 2
 */
@API(status = STABLE, since = "0.1")
public record Temperature(double value) {

    public Temperature {
        if (Double.isNaN(value) || value < 0 || value > 2) {
            throw new IllegalArgumentException("a temperature must be between 0 and 2 but was " + value);
        }
    }

    /** {@code T=0.5}, as display names show it. */
    @Override
    public String toString() {
        return "T=" + value;
    }
}
