package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * An upgrade keeps the reports waiting: a spool directory as the previous release (2be905e) left it is drained by
 * the packaged agent of this one. The on-disk format has not changed since (version 1, see Spool), so the files are
 * written here from that release's layout, byte by byte, not with this release's encoder: a change of the format
 * that would strand an old spool fails this test. The old release had no lost-reports file and could leave a
 * temporary file from a crash.
 */
class SpoolUpgradeIT {

    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;

    /**
     * 2be905e's layout: "SKRY", version 1, format (0 JSON, 1 CBOR), reportId, payload length, CRC32 of the payload
     * (big-endian), the payload; named %020d.report, 0600 in a 0700 directory.
     */
    private static void writeAsThePreviousRelease(Path spool, long reportId, byte[] payload) throws Exception {
        CRC32 crc = new CRC32();
        crc.update(payload);
        byte[] file = ByteBuffer.allocate(22 + payload.length).put("SKRY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putLong(reportId).putInt(payload.length).putInt((int) crc.getValue()).put(payload).array();
        Path path = spool.resolve(String.format(Locale.ROOT, "%020d.report", reportId));
        Files.write(path, file);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    @Timeout(120)
    void aSpoolLeftByThePreviousReleaseIsDelivered() throws Exception {
        Mosquitto.assumeAvailable();
        Path spool = Files.createDirectory(state.resolve("spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
        long first = System.currentTimeMillis() - 3_600_000;
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long id = first + i * 300_000L;
            String payload = "{\"header\":{\"report_id\":" + id + ",\"version\":\"1.0\"},\"metrics\":{},\"custom_metrics\":{\"upgrade_fixture\":[{\"number\":" + i + "}]}}";
            payloads.add(payload);
            writeAsThePreviousRelease(spool, id, payload.getBytes(StandardCharsets.UTF_8));
        }
        Path crashed = Files.write(spool.resolve("." + String.format(Locale.ROOT, "%020d.report", first + 1_500_000) + ".tmp"), new byte[] {'S', 'K'});

        Mosquitto broker = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
        Launched agent = closer.later(Launched.start(state, AgentProcess.publishingTo(pki, broker.port(), "SKERRY_INTERVAL", "1h")));

        await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.messages().size() >= 6);
        List<String> received = subscriber.messages().stream().map(Received::payloadUtf8).toList();
        assertThat(received.subList(0, 5)).as("the old reports first, oldest first, byte for byte").containsExactlyElementsOf(payloads);
        assertThat(received.get(5)).as("then this release's first report").contains("\"report_id\"").doesNotContain("upgrade_fixture");
        await().atMost(Duration.ofSeconds(10)).until(() -> AgentProcess.spooledReports(state) == 0);
        assertThat(spool.resolve("corrupt")).as("nothing set aside").doesNotExist();
        assertThat(crashed).as("the crash's temporary file, removed as by the previous release").doesNotExist();
        assertThat(agent.stop()).isZero();
    }
}
