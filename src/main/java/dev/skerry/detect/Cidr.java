package dev.skerry.detect;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 network. An IPv4-mapped IPv6 network or address (::ffff:10.0.0.0/104) is the
 * IPv4 one it maps, so 10.0.0.0/8 holds ::ffff:10.1.2.3 and the other way round.
 */
public record Cidr(byte[] network, int prefix, String text) {

    /** Parses "address/prefix" or a bare address (a /32 or /128); null when it does not parse. */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = address(address);
        if (bytes == null) {
            return null;
        }
        int prefix;
        if (slash < 0) {
            prefix = bytes.length * 8;
        } else {
            String digits = trimmed.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
                return null;
            }
            prefix = Integer.parseInt(digits);
        }
        if (bytes.length == 16 && mapped(bytes)) {
            if (prefix < 96) {
                return prefix <= 128 ? new Cidr(bytes, prefix, trimmed) : null;
            }
            bytes = Arrays.copyOfRange(bytes, 12, 16);
            prefix -= 96;
        }
        if (prefix > bytes.length * 8) {
            return null;
        }
        return new Cidr(bytes, prefix, trimmed);
    }

    /** The address of "ip", "ip:port" or "[ipv6]:port" as 4 or 16 bytes (IPv4-mapped as 4), or null. */
    public static byte[] hostAddress(String text) {
        String address = text.strip();
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return null;
            }
            address = address.substring(1, close);
        } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') >= 0) {
            address = address.substring(0, address.indexOf(':')); // IPv4 with a port
        }
        byte[] bytes = address(address);
        if (bytes != null && bytes.length == 16 && mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static boolean mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /** A literal address, never a name: no DNS look-up happens here. */
    static byte[] address(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        return ipv6(text);
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] ipv6(String text) {
        int percent = text.indexOf('%');
        if (percent >= 0) {
            text = text.substring(0, percent); // a zone id says nothing about the network
        }
        byte[] tail4 = null;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) >= 0) {
            tail4 = ipv4(text.substring(lastColon + 1));
            if (tail4 == null) {
                return null;
            }
            text = text.substring(0, lastColon + 1) + "0:0";
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String[] head = gap < 0 ? text.split(":", -1) : split(text.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : split(text.substring(gap + 2));
        if (gap < 0 && head.length != 8 || gap >= 0 && head.length + tail.length > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        if (!groups(head, bytes, 0) || !groups(tail, bytes, 16 - 2 * tail.length)) {
            return null;
        }
        if (tail4 != null) {
            System.arraycopy(tail4, 0, bytes, 12, 4);
        }
        return bytes;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static boolean groups(String[] groups, byte[] bytes, int offset) {
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.isEmpty() || group.length() > 4) {
                return false;
            }
            int value = 0;
            for (char c : group.toCharArray()) {
                int digit = Character.digit(c, 16);
                if (digit < 0) {
                    return false;
                }
                value = value * 16 + digit;
            }
            bytes[offset + 2 * i] = (byte) (value >> 8);
            bytes[offset + 2 * i + 1] = (byte) value;
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
