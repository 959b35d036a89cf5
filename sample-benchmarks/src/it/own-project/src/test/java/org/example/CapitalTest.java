package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalunit.config.EvalConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The project's own test: `mvn test` runs it, not the benchmark. */
class CapitalTest {

    @Test
    void readsEveryRowOfTheDataset() {
        List<Capital> rows = Capital.read(EvalConfig.load());

        assertEquals(2, rows.size());
        assertEquals("Tokyo", rows.get(1).capital());
        assertEquals("Asia", rows.get(1).category());
    }
}
