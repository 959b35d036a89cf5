package org.example;

import dev.evalunit.QuestionRow;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetFile;
import dev.evalunit.dataset.DatasetLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One row of capitals.csv: {@code id,country,region,capital}. */
record Capital(String id, String country, String region, String capital) implements QuestionRow {

    static final DatasetFile FILE = DatasetFile.of("capitals/capitals.csv",
            "https://example.org/datasets/capitals.csv",
            "a4b5d96daa99359eb9b7a1b1062e50aea5dc9f07f671526ea0f0e77badd858e4");

    static List<Capital> read(EvalConfig config) {
        Path file = DatasetLocator.from(config).locate(FILE);
        try {
            return Files.readAllLines(file).stream().skip(1).filter(line -> !line.isBlank())
                    .map(line -> line.split(",", -1))
                    .map(cells -> new Capital(cells[0], cells[1], cells[2], cells[3]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String text() {
        return "What is the capital of " + country + "?";
    }

    @Override
    public String category() {
        return region;
    }
}
