package dev.skerry.collect;

import java.nio.ByteOrder;

/** IP addresses held as bytes (4 for IPv4, 16 for IPv6), printed the way people read them. */
public final class Addresses {

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Addresses() {
    }

    /** Stores a 32-bit word the kernel printed in host byte order as four address bytes. */
    static void putKernelWord(long word, byte[] into, int offset) {
        for (int b = 0; b < 4; b++) {
            int shift = LITTLE_ENDIAN ? 8 * b : 8 * (3 - b);
            into[offset + b] = (byte) (word >>> shift);
        }
    }

    static boolean isUnspecified(byte[] address, int length) {
        for (int i = 0; i < length; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** ::ffff:a.b.c.d, how a dual-stack socket shows an IPv4 peer. */
    static boolean isV4Mapped(byte[] address, int length) {
        if (length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    static String withPort(byte[] address, int length, int port) {
        if (length == 4 || isV4Mapped(address, length)) {
            return format(address, length) + ":" + port;
        }
        return "[" + format(address, length) + "]:" + port;
    }

    /** Dotted IPv4, or IPv6 in the canonical text form of RFC 5952; IPv4-mapped IPv6 as dotted IPv4. */
    public static String format(byte[] address, int length) {
        if (length == 4 || isV4Mapped(address, length)) {
            int o = length - 4;
            return (address[o] & 0xff) + "." + (address[o + 1] & 0xff) + "." + (address[o + 2] & 0xff) + "." + (address[o + 3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
