package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import dev.skerry.config.Format;

/** What the spool tests share: settings, reports, a hand-set clock and a look at the directory. */
final class Spools {

    static final long MIB = 1 << 20;

    private Spools() {
    }

    static SpoolSettings disk(Path dir) {
        return new SpoolSettings(dir, MIB, 1000, SpoolMode.DISK, Duration.ZERO);
    }

    static SpoolSettings memoryFirst(Path dir, Duration grace) {
        return new SpoolSettings(dir, MIB, 1000, SpoolMode.MEMORY_FIRST, grace);
    }

    static SpooledReport json(long id) {
        return new SpooledReport(id, Format.JSON, ("{\"header\":{\"report_id\":" + id + "}}").getBytes(StandardCharsets.US_ASCII));
    }

    /** A report of exactly size payload bytes. */
    static SpooledReport cbor(long id, int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (id * 31 + i);
        }
        return new SpooledReport(id, Format.CBOR, payload);
    }

    static List<Long> ids(List<SpooledReport> reports) {
        return reports.stream().map(SpooledReport::reportId).toList();
    }

    /** The spec's file name, spelled out here rather than taken from the code under test. */
    static String name(long id) {
        return String.format("%020d.report", id);
    }

    /** The spec's file content: magic, version, format code, id, length, CRC32, payload. */
    static byte[] fileBytes(byte[] magic, int version, int formatCode, long id, byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return ByteBuffer.allocate(22 + payload.length)
                .put(magic).put((byte) version).put((byte) formatCode)
                .putLong(id).putInt(payload.length).putInt((int) crc.getValue()).put(payload)
                .array();
    }

    static byte[] fileBytes(long id, byte[] payload) {
        return fileBytes("SKRY".getBytes(StandardCharsets.US_ASCII), 1, 0, id, payload);
    }

    /** Names of everything directly in dir, hidden files and directories included, sorted; but the count of lost reports. */
    static List<String> entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(name -> !name.equals(LostReports.FILE)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A wall clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T14:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
