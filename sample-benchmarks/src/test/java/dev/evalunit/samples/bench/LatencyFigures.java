package dev.evalunit.samples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.statistics.descriptive.Median;

/** Medians, rounding and the JSON out of {@link LatencyBench}. */
final class LatencyFigures {

    private LatencyFigures() {
    }

    /**
     * The median, as a whole number when it is one (a count), {@code null} when any value is NaN (a
     * figure a run could not measure, e.g. a wall time with fewer than two requests).
     */
    static Number median(double... values) {
        if (Arrays.stream(values).anyMatch(Double::isNaN)) {
            return null;
        }
        double median = Median.withDefaults().evaluate(values);
        return median == Math.rint(median) && Math.abs(median) < 1e15 ? (Number) (long) median : (Number) median;
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Double.isFinite(value) ? Math.round(value * scale) / scale : value;
    }

    static void write(Path file, Map<String, Object> figures) throws IOException {
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
        System.out.println("BENCH " + file + "\n" + Files.readString(file, StandardCharsets.UTF_8));
    }
}
