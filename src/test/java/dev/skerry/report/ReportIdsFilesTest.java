package dev.skerry.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.SystemUser;

/** The ceiling file is skerry's own: whatever else is planted under its name or its temp file's is not opened, followed or written through. */
class ReportIdsFilesTest {

    private static final Duration QUICKLY = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T14:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path state;

    @TempDir
    Path elsewhere;

    private Path ceiling() {
        return state.resolve(ReportIds.FILE);
    }

    @Test
    void aFifoAsTheCeilingDoesNotHangTheStartAndIsReplaced() throws Exception {
        SystemUser.run("mkfifo", ceiling().toString());

        ReportIds ids = assertTimeoutPreemptively(QUICKLY, () -> new ReportIds(CLOCK, state));
        long id = assertTimeoutPreemptively(QUICKLY, ids::next);

        assertThat(id).isEqualTo(CLOCK.millis());
        assertThat(Files.isRegularFile(ceiling())).isTrue();
        assertThat(Files.readString(ceiling(), StandardCharsets.US_ASCII).split(" ")[0].strip()).isEqualTo(Long.toString(id + ReportIds.RESERVE_MILLIS));
    }

    @Test
    void aLinkAsTheCeilingIsNotFollowed() throws Exception {
        Path target = elsewhere.resolve("big-number");
        Files.writeString(target, "9000000000000\n");
        Files.createSymbolicLink(ceiling(), target);

        long id = new ReportIds(CLOCK, state).next();

        assertThat(id).as("the linked number is not taken").isEqualTo(CLOCK.millis());
        assertThat(Files.readString(target)).isEqualTo("9000000000000\n");
        assertThat(Files.isSymbolicLink(ceiling())).as("replaced by the next store").isFalse();
    }

    @Test
    void aLinkToDevZeroAsTheCeilingIsNotRead() throws Exception {
        Files.createSymbolicLink(ceiling(), Path.of("/dev/zero"));

        long id = assertTimeoutPreemptively(QUICKLY, () -> new ReportIds(CLOCK, state).next());

        assertThat(id).isEqualTo(CLOCK.millis());
    }

    @Test
    void aLinkPlantedAsTheCeilingsTempFileIsNotWrittenThrough() throws Exception {
        Path victim = elsewhere.resolve("victim");
        Files.writeString(victim, "keep me");
        Files.createSymbolicLink(state.resolve(ReportIds.FILE + ".tmp"), victim);

        long id = new ReportIds(CLOCK, state).next();

        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(Files.readString(ceiling(), StandardCharsets.US_ASCII).split(" ")[0].strip()).isEqualTo(Long.toString(id + ReportIds.RESERVE_MILLIS));
    }
}
