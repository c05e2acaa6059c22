package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SocketTableTest {

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    private static FileBytes file(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return new FileBytes(Path.of("/proc/net/tcp"), bytes, bytes.length);
    }

    private static List<String> parse(String text, boolean ipv6) {
        List<String> seen = new ArrayList<>();
        SocketTable.parse(file(text), ipv6, socket -> seen.add(socket.localPort() + ">" + socket.remoteAddress() + "/" + socket.state()));
        return seen;
    }

    @Test
    void decodesIpv4AndIpv6InHostByteOrder() {
        assertThat(parse(HEADER + "   0: 3201A8C0:0016 1401A8C0:C822 01 00000000:00000000 02:000A2B1C 00000000     0        0 2 1\n", false))
                .containsExactly("22>192.168.1.20:51234/1");
        assertThat(parse(HEADER + "   0: 00000000000000000000000001000000:A02C 0000000000000000FFFF00000100007F:A032 01 0\n", true))
                .containsExactly("41004>127.0.0.1:41010/1");
        assertThat(parse(HEADER + "   0: 00000000000000000000000001000000:A02C B80D0120000000000000000001000000:01BB 01 0\n", true))
                .containsExactly("41004>[2001:db8::1]:443/1");
    }

    @Test
    void slotNumbersWiderThanTheirColumnParse() {
        assertThat(parse(HEADER + "10002: 0100007F:A410 0100007F:8000 01 00000000:00000000 00:00000000 00000000     0        0 1 1\n", false))
                .containsExactly("42000>127.0.0.1:32768/1");
    }

    @Test
    void malformedLinesNameFileAndLine() {
        assertThatThrownBy(() -> parse(HEADER + "   0: 0100007F:A410 0100007F:8000 01 0\n   1: 0100007F:A4 x\n", false))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("/proc/net/tcp line 3");
        assertThatThrownBy(() -> parse(HEADER + "   0: 0100007F:A410 0100007F:8000 01 0\n", true))
                .as("an IPv4 address in an IPv6 table").isInstanceOf(MalformedFileException.class);
        assertThatThrownBy(() -> parse("", false)).isInstanceOf(MalformedFileException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> parse(HEADER + "   0: 0100007F:A410 0100007F:8000 01", false))
                .as("last line without its newline").isInstanceOf(MalformedFileException.class).hasMessageContaining("cut short");
    }

    @Test
    void headerOnlyIsAnEmptyTable() {
        assertThat(parse(HEADER, false)).isEmpty();
    }

    @Test
    void ipv6TextIsCanonical() {
        assertThat(Addresses.format(bytes("20010db8000000000000000000000001"), 16)).isEqualTo("2001:db8::1");
        assertThat(Addresses.format(bytes("00000000000000000000000000000001"), 16)).isEqualTo("::1");
        assertThat(Addresses.format(bytes("00000000000000000000000000000000"), 16)).isEqualTo("::");
        assertThat(Addresses.format(bytes("20010db8000000010000000000000001"), 16)).isEqualTo("2001:db8:0:1::1");
        assertThat(Addresses.format(bytes("20010db8000000000001000000000001"), 16)).as("first longest run").isEqualTo("2001:db8::1:0:0:1");
        assertThat(Addresses.format(bytes("20010db8000100010001000100010001"), 16)).as("one zero group stays").isEqualTo("2001:db8:1:1:1:1:1:1");
        assertThat(Addresses.format(bytes("20010db800000001000100010001fe80"), 16)).isEqualTo("2001:db8:0:1:1:1:1:fe80");
        assertThat(Addresses.format(bytes("fe800000000000000000000000000001"), 16)).isEqualTo("fe80::1");
        assertThat(Addresses.format(bytes("00000000000000000000ffffc0a80132"), 16)).isEqualTo("192.168.1.50");
    }

    private static byte[] bytes(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
