package dev.skerry.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;

import dev.skerry.config.Format;

/**
 * Names and bytes of one report file of the spool. Decoding is strict: anything but a whole file written by
 * {@link #encode} under its own name is corrupt.
 *
 * <p>Layout: a 0700 directory with one 0600 file per report, named
 * {@code String.format("%020d.report", reportId)} so that names sort like ids. A file is written
 * once and never changed, except that a delivered report whose file cannot be unlinked (a directory
 * without write permission) has its content replaced by {@code "SKRY delivered\n"}, which open deletes:
 * <pre>
 * offset bytes
 *   0      4   magic "SKRY"
 *   4      1   version 1
 *   5      1   format: 0 JSON, 1 CBOR
 *   6      8   reportId, big-endian
 *  14      4   payload length, big-endian
 *  18      4   CRC32 of the payload, big-endian
 *  22      n   payload
 * </pre>
 */
final class ReportFile {

    static final int HEADER_BYTES = 22;
    private static final byte[] MAGIC = "SKRY".getBytes(StandardCharsets.US_ASCII);
    private static final byte VERSION = 1;
    private static final String SUFFIX = ".report";
    private static final String TEMP_SUFFIX = SUFFIX + ".tmp";

    /** What a delivered report's file holds when it could not be unlinked (a directory without write permission). */
    static final byte[] DELIVERED = "SKRY delivered\n".getBytes(StandardCharsets.US_ASCII);

    private ReportFile() {
    }

    static boolean isDelivered(byte[] content) {
        return java.util.Arrays.equals(content, DELIVERED);
    }

    static String name(long reportId) {
        return String.format(Locale.ROOT, "%020d" + SUFFIX, reportId);
    }

    static String tempName(String name) {
        return "." + name + ".tmp";
    }

    static boolean isTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
    }

    static boolean isReport(String fileName) {
        return !fileName.startsWith(".") && fileName.endsWith(SUFFIX);
    }

    static long size(SpooledReport report) {
        return HEADER_BYTES + (long) report.payload().length;
    }

    static byte[] encode(SpooledReport report) {
        byte[] payload = report.payload();
        return ByteBuffer.allocate(HEADER_BYTES + payload.length)
                .put(MAGIC)
                .put(VERSION)
                .put(formatCode(report.format()))
                .putLong(report.reportId())
                .putInt(payload.length)
                .putInt(crc(payload))
                .put(payload)
                .array();
    }

    static SpooledReport decode(String fileName, byte[] content) throws Corrupt {
        if (content.length < HEADER_BYTES) {
            throw new Corrupt(content.length == 0 ? "empty" : "only " + content.length + " bytes, shorter than the header");
        }
        ByteBuffer header = ByteBuffer.wrap(content, 0, HEADER_BYTES);
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new Corrupt("not a spool file");
        }
        byte version = header.get();
        if (version != VERSION) {
            throw new Corrupt("unknown version " + version);
        }
        Format format = format(header.get());
        long reportId = header.getLong();
        int length = header.getInt();
        int crc = header.getInt();
        if (length != content.length - HEADER_BYTES) {
            throw new Corrupt("header says " + length + " payload bytes, the file has " + (content.length - HEADER_BYTES));
        }
        byte[] payload = Arrays.copyOfRange(content, HEADER_BYTES, content.length);
        if (crc(payload) != crc) {
            throw new Corrupt("CRC mismatch");
        }
        if (!name(reportId).equals(fileName)) {
            throw new Corrupt("holds report " + reportId + ", which belongs in " + name(reportId));
        }
        return new SpooledReport(reportId, format, payload);
    }

    private static byte formatCode(Format format) {
        return switch (format) {
            case JSON -> 0;
            case CBOR -> 1;
        };
    }

    private static Format format(byte code) throws Corrupt {
        return switch (code) {
            case 0 -> Format.JSON;
            case 1 -> Format.CBOR;
            default -> throw new Corrupt("unknown format " + code);
        };
    }

    private static int crc(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** Why a file cannot be a report; a message for the operator, no stack trace. */
    static final class Corrupt extends Exception {
        Corrupt(String reason) {
            super(reason, null, false, false);
        }
    }
}
