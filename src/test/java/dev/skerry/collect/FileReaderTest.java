package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Users;

/** Files missing, appearing, vanishing and unreadable, read by the same reader cycle after cycle. */
class FileReaderTest {

    @TempDir
    Path dir;

    private final FileReader reader = new FileReader();

    @Test
    void aMissingFileIsNullEveryTimeUntilItAppears() throws IOException {
        Path file = dir.resolve("utmp");

        assertThat(reader.read(file)).isNull();
        assertThat(reader.read(file)).isNull();
        assertThat(reader.stream(file)).isNull();

        Files.writeString(file, "now here\n");
        assertThat(reader.read(file).text()).isEqualTo("now here\n");
        try (Lines lines = reader.stream(file)) {
            assertThat(lines.next()).isTrue();
            assertThat(lines.field()).isEqualTo("now");
        }

        Files.delete(file);
        assertThat(reader.read(file)).isNull();
    }

    @Test
    void aFileLargerThanTheFirstBufferIsReadWholeAndTheNextReadSeesOnlyItsOwnBytes() throws IOException {
        Path file = dir.resolve("big");
        String big = "x".repeat(3 * FileReader.READ_SIZE + 17);
        Files.writeString(file, big);
        assertThat(reader.read(file).text()).isEqualTo(big);

        Files.writeString(file, "short\n");
        assertThat(reader.read(file).text()).isEqualTo("short\n");
    }

    @Test
    void aFileThatCannotBeOpenedSaysWhy() throws IOException {
        Assumptions.assumeFalse(Users.isRoot(), "root reads any file");
        Path file = Files.writeString(dir.resolve("secret"), "no\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

        assertThatThrownBy(() -> reader.read(file)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aDirectoryIsNoFile() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("stat"));

        assertThatThrownBy(() -> reader.read(directory)).isInstanceOf(IOException.class).hasMessageContaining("directory");
    }

    @Test
    void aListingNamesTheEntriesAndIsNullForAMissingDirectory() throws IOException {
        Files.createFile(dir.resolve("thermal_zone0"));
        Files.createDirectory(dir.resolve("1234"));

        assertThat(reader.list(dir)).containsExactlyInAnyOrder("thermal_zone0", "1234");
        assertThat(reader.list(dir.resolve("none"))).isNull();
        assertThatThrownBy(() -> reader.list(dir.resolve("thermal_zone0"))).isInstanceOf(NotDirectoryException.class);
    }
}
