package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent in the once mode over a host whose files block: FIFOs as /proc/meminfo, /proc/net/tcp and the
 * kernel host name. It prints its report without their metrics and exits, instead of waiting for ever.
 */
class BlockingHostIT {

    @TempDir
    Path state;

    @TempDir
    Path host;

    private static void mkfifo(Path path) throws Exception {
        Files.deleteIfExists(path);
        Files.createDirectories(path.getParent());
        assertThat(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void theOnceModeReportsAndExitsOverFifos() throws Exception {
        Path recorded = Path.of("src/test/resources/hosts/x86_64");
        try (Stream<Path> files = Files.walk(recorded)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = host.resolve(recorded.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        mkfifo(host.resolve("proc/meminfo"));
        mkfifo(host.resolve("proc/net/tcp"));
        mkfifo(host.resolve("proc/sys/kernel/hostname"));

        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "SKERRY_PATH_PROCFS", host.resolve("proc").toString(),
                "SKERRY_PATH_SYSFS", host.resolve("sys").toString(), "SKERRY_PATH_ROOTFS", host.toString(), "HOSTNAME", "fifo-host"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("uptime_seconds").doesNotContain("memory_total_bytes").doesNotContain("listening_tcp_ports");
        assertThat(run.stderr()).contains("meminfo: not a regular file");
    }
}
