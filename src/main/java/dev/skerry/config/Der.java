package dev.skerry.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The few DER encodings a PKCS#10 request needs (X.690); the JDK has encoders only in internal packages. */
public final class Der {

    private Der() {
    }

    public static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    public static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    public static byte[] integer(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("only small non-negative integers are needed");
        }
        return new byte[] {0x02, 0x01, (byte) value};
    }

    public static byte[] utf8(String text) {
        return tlv(0x0c, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] nothing() {
        return new byte[] {0x05, 0x00};
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    public static byte[] bits(byte[] content) {
        byte[] body = new byte[content.length + 1];
        System.arraycopy(content, 0, body, 1, content.length);
        return tlv(0x03, body);
    }

    /** A context-specific constructed element [tag]. */
    public static byte[] context(int tag, byte[]... parts) {
        return tlv(0xa0 | tag, concat(parts));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    public static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = 1;
            while ((arc >>> (7 * groups)) != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    public static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
