package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFilesTests {

    @TempDir
    Path dir;

    @Test
    void aTornLastLineIsCutBackToTheLastNewlineHoweverLongItIs() throws IOException {
        String torn = "{\"v\":1,\"text\":\"" + "x".repeat(10_000);

        assertThat(dropTornLastLine("{\"v\":1}\n" + torn)).isEqualTo(torn.length());
        assertThat(Files.readString(dir.resolve("file.jsonl"))).isEqualTo("{\"v\":1}\n");
    }

    @Test
    void aFileThatIsOnlyAFragmentIsEmptied() throws IOException {
        assertThat(dropTornLastLine("{\"v\":1,\"ev")).isEqualTo(10);
        assertThat(Files.size(dir.resolve("file.jsonl"))).isZero();
    }

    @Test
    void wholeLinesAndEmptyFilesAreLeftAsTheyAre() throws IOException {
        assertThat(dropTornLastLine("{\"v\":1}\n{\"v\":2}\n")).isZero();
        assertThat(Files.readString(dir.resolve("file.jsonl"))).isEqualTo("{\"v\":1}\n{\"v\":2}\n");
        assertThat(dropTornLastLine("")).isZero();
    }

    private long dropTornLastLine(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("file.jsonl"), content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return JsonlFiles.dropTornLastLine(channel, file);
        }
    }
}
