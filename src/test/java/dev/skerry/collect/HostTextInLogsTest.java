package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.log.Printable;
import dev.skerry.report.Report;
import dev.skerry.testing.CapturedLog;

/** Text from the host's files reaches the log with its control characters escaped. */
class HostTextInLogsTest {

    @TempDir
    Path dir;

    @AutoClose
    CapturedLog log = CapturedLog.of(Collection.class);

    @Test
    void aNulAndAnEscapeSequenceInAModuleNameAreEscapedInTheLogLine() throws Exception {
        HostPaths host = HostMutations.copy(Hosts.host("x86_64"), dir.resolve("host"));
        Files.writeString(host.proc("modules"), "ext4 1 0 - Live 0x0\nbad\u0000mod\u001b[2J 1 0 - Live 0x0\n");

        new Collection(List.of(new KernelModulesCollector()), host, 50).collect(Report.builder());

        List<String> lines = log.records().stream().map(CapturedLog::formatted).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("bad\\x00mod\\x1b[2J"));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\u0000").doesNotContain("\u001b"));
    }

    @Test
    void printableEscapesControlCharactersOnly() {
        assertThat(Printable.of("eth0")).isEqualTo("eth0");
        assertThat(Printable.of("a\nb\tc\u007f\u0085d\u00e9")).isEqualTo("a\\x0ab\\x09c\\x7f\\x85d\u00e9");
        assertThat(Printable.of(null)).isEqualTo("null");
    }
}
