package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import static dev.skerry.spool.Spools.disk;
import static dev.skerry.spool.Spools.entries;
import static dev.skerry.spool.Spools.fileBytes;
import static dev.skerry.spool.Spools.ids;
import static dev.skerry.spool.Spools.json;
import static dev.skerry.spool.Spools.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.skerry.config.Format;

class SpoolRecoveryTest {

    private static final Clock CLOCK = new Spools.ManualClock();
    private static final byte[] PAYLOAD = "{\"header\":{\"report_id\":9}}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GOOD = fileBytes(9, PAYLOAD);

    @TempDir
    Path dir;

    static Stream<Arguments> unreadable() {
        byte[] randomBytes = new byte[4096];
        new Random(42).nextBytes(randomBytes);
        byte[] crcMismatch = GOOD.clone();
        crcMismatch[crcMismatch.length - 2] ^= 0x01;
        byte[] tooLong = Arrays.copyOf(GOOD, GOOD.length + 1);
        return Stream.of(
                Arguments.of("truncated header", Arrays.copyOf(GOOD, 10)),
                Arguments.of("header without payload", Arrays.copyOf(GOOD, 22)),
                Arguments.of("truncated payload", Arrays.copyOf(GOOD, GOOD.length - 5)),
                Arguments.of("trailing bytes", tooLong),
                Arguments.of("zero-length", new byte[0]),
                Arguments.of("4 KiB of random bytes", randomBytes),
                Arguments.of("wrong magic", fileBytes("SKRZ".getBytes(StandardCharsets.US_ASCII), 1, 0, 9, PAYLOAD)),
                Arguments.of("wrong version", fileBytes("SKRY".getBytes(StandardCharsets.US_ASCII), 2, 0, 9, PAYLOAD)),
                Arguments.of("unknown format", fileBytes("SKRY".getBytes(StandardCharsets.US_ASCII), 1, 2, 9, PAYLOAD)),
                Arguments.of("CRC mismatch", crcMismatch),
                Arguments.of("id of another report", fileBytes(10, PAYLOAD)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void anUnreadableFileIsSetAsideAndTheValidOnesBesideItSurvive(String what, byte[] content) throws Exception {
        Files.write(dir.resolve(name(1)), fileBytes(1, PAYLOAD));
        Files.write(dir.resolve(name(9)), content);
        Files.write(dir.resolve(name(17)), fileBytes(17, PAYLOAD));

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(ids(spool.pending())).containsExactly(1L, 17L);
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(entries(dir)).containsExactly(name(1), name(17), "corrupt");
        assertThat(entries(dir.resolve("corrupt"))).containsExactly(name(9));
        assertThat(Files.readAllBytes(dir.resolve("corrupt").resolve(name(9)))).isEqualTo(content);
    }

    @Test
    void allKindsOfDamageAtOnceAreAllSetAside() throws Exception {
        Object[][] cases = unreadable().map(Arguments::get).toArray(Object[][]::new);
        for (int i = 0; i < cases.length; i++) {
            Files.write(dir.resolve(name(100 + i)), (byte[]) cases[i][1]);
        }
        Files.write(dir.resolve(name(500)), fileBytes(500, PAYLOAD));

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(spool.counters().setAside()).isEqualTo(11);
        assertThat(ids(spool.pending())).containsExactly(500L);
        assertThat(entries(dir.resolve("corrupt"))).hasSize(11);
        assertThat(entries(dir)).containsExactly(name(500), "corrupt");
    }

    @Test
    void aReportFileNotNamedAsItsIdIsSetAside() throws Exception {
        Files.write(dir.resolve("9.report"), GOOD);

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(spool.size()).isZero();
        assertThat(entries(dir.resolve("corrupt"))).containsExactly("9.report");
    }

    @Test
    void aDirectoryWithAReportNameIsSetAside() throws Exception {
        Files.createDirectory(dir.resolve(name(9)));

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(Files.isDirectory(dir.resolve("corrupt").resolve(name(9)))).isTrue();
    }

    @Test
    void theCorruptDirectoryIs0700() throws Exception {
        Files.write(dir.resolve(name(9)), new byte[0]);

        Spool.open(disk(dir), CLOCK);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("corrupt")))).isEqualTo("rwx------");
    }

    @Test
    void aFileSetAsideEarlierIsNotOverwritten() throws Exception {
        Files.write(dir.resolve(name(9)), "first".getBytes(StandardCharsets.US_ASCII));
        Spool.open(disk(dir), CLOCK);
        Files.write(dir.resolve(name(9)), "second".getBytes(StandardCharsets.US_ASCII));

        Spool.open(disk(dir), CLOCK);

        Path corrupt = dir.resolve("corrupt");
        assertThat(entries(corrupt)).containsExactly(name(9), name(9) + ".1");
        assertThat(Files.readString(corrupt.resolve(name(9)))).isEqualTo("first");
        assertThat(Files.readString(corrupt.resolve(name(9) + ".1"))).isEqualTo("second");
    }

    @Test
    void aFileLargerThanTheWholeSpoolIsSetAsideUnread() throws Exception {
        Files.write(dir.resolve(name(9)), fileBytes(9, new byte[400]));

        Spool spool = Spool.open(new SpoolSettings(dir, 300, 10, SpoolMode.DISK, Duration.ZERO), CLOCK);

        assertThat(spool.size()).isZero();
        assertThat(spool.counters().setAside()).isEqualTo(1);
        assertThat(entries(dir.resolve("corrupt"))).containsExactly(name(9));
    }

    @Test
    void leftoverTempFilesAreDeletedAndAreNoReports() throws Exception {
        Files.write(dir.resolve("." + name(5) + ".tmp"), fileBytes(5, PAYLOAD));
        Files.write(dir.resolve("." + name(6) + ".tmp"), Arrays.copyOf(fileBytes(6, PAYLOAD), 12));
        Files.write(dir.resolve(name(7)), fileBytes(7, PAYLOAD));
        Files.write(dir.resolve("." + name(7) + ".tmp"), new byte[0]);

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(ids(spool.pending())).containsExactly(7L);
        assertThat(spool.pending().get(0).payload()).isEqualTo(PAYLOAD);
        assertThat(spool.counters()).isEqualTo(new SpoolCounters(0, 0, 0, 0, 0, 0, 0));
        assertThat(entries(dir)).containsExactly(name(7));
    }

    @Test
    void filesThatAreNotTheSpoolsAreLeftAlone() throws Exception {
        Files.writeString(dir.resolve("README"), "operator notes");
        Files.writeString(dir.resolve(".hidden"), "x");

        Spool spool = Spool.open(disk(dir), CLOCK);
        spool.add(json(1));

        assertThat(spool.size()).isEqualTo(1);
        assertThat(spool.counters().setAside()).isZero();
        assertThat(entries(dir)).containsExactly(".hidden", name(1), "README");
    }

    @Test
    void filesWrittenByTheSpecAreReadBack() throws Exception {
        Files.write(dir.resolve(name(3)), fileBytes("SKRY".getBytes(StandardCharsets.US_ASCII), 1, 1, 3, new byte[] {(byte) 0xa1, 0x61, 0x61}));

        Spool spool = Spool.open(disk(dir), CLOCK);

        assertThat(spool.pending()).containsExactly(new SpooledReport(3, Format.CBOR, new byte[] {(byte) 0xa1, 0x61, 0x61}));
        assertThat(spool.bytes()).isEqualTo(25);
    }
}
