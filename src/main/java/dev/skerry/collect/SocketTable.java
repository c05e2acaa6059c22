package dev.skerry.collect;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Parses the kernel's socket tables (/proc/net/tcp, tcp6, udp, udp6) line by line without
 * building Strings. Addresses are printed by the kernel as 32-bit words in host byte order.
 */
public final class SocketTable {

    private SocketTable() {
    }

    /**
     * Streams a protocol's IPv4 and IPv6 tables (such as net/tcp and net/tcp6) through the visitor;
     * false when neither exists (no such protocol on this host). A missing IPv6 table is IPv6 turned off.
     */
    static boolean parseBoth(Cycle cycle, String ipv4Table, String ipv6Table, Consumer<Socket> visitor) throws IOException {
        try (Lines ipv4 = cycle.procStream(ipv4Table); Lines ipv6 = cycle.procStream(ipv6Table)) {
            if (ipv4 != null) {
                parse(ipv4, false, visitor);
            }
            if (ipv6 != null) {
                parse(ipv6, true, visitor);
            }
            return ipv4 != null || ipv6 != null;
        }
    }

    /** Calls the visitor once per socket; a line that does not parse throws {@link MalformedFileException}. */
    public static void parse(FileBytes file, boolean ipv6, Consumer<Socket> visitor) {
        parse(file.lines(), ipv6, visitor);
    }

    public static void parse(Lines lines, boolean ipv6, Consumer<Socket> visitor) {
        parse(lines, ipv6, false, visitor);
    }

    /**
     * As {@link #parse(Lines, boolean, Consumer)}, and with {@code inodes} also each socket's inode (the tenth
     * field), which only the check for inbound channels needs: the collectors do not pay for the fields before it.
     */
    public static void parse(Lines lines, boolean ipv6, boolean inodes, Consumer<Socket> visitor) {
        if (!lines.next() || !lines.skipIf("sl")) {
            throw new MalformedFileException(lines.path(), 1, "missing the 'sl local_address' header");
        }
        int words = ipv6 ? 4 : 1;
        Socket socket = new Socket();
        socket.addressLength = words * 4;
        while (lines.next()) {
            lines.skipField(); // "sl:" slot number
            lines.skipSpaces();
            address(lines, words, socket.local);
            lines.expect(':');
            socket.localPort = (int) lines.hex(4);
            lines.expect(' ');
            address(lines, words, socket.remote);
            lines.expect(':');
            socket.remotePort = (int) lines.hex(4);
            lines.expect(' ');
            socket.state = (int) lines.hex(2);
            if (inodes) {
                for (int field = 0; field < 5; field++) { // tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
                    lines.skipField();
                }
                socket.inode = lines.unsignedDecimal();
            }
            visitor.accept(socket);
        }
    }

    /** Exactly {@code words} words of 8 hex digits: a shorter address fails on its digits, a longer one on the ':' after it. */
    private static void address(Lines lines, int words, byte[] into) {
        for (int w = 0; w < words; w++) {
            Addresses.putKernelWord(lines.hex(8), into, w * 4);
        }
    }
}
