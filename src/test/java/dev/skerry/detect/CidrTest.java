package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource(textBlock = """
            10.0.0.0/8,           10.255.1.2,                true
            10.0.0.0/8,           11.0.0.1,                  false
            192.168.1.0/25,       192.168.1.127,             true
            192.168.1.0/25,       192.168.1.128,             false
            0.0.0.0/0,            203.0.113.9,               true
            9.8.7.6/32,           9.8.7.6,                   true
            9.8.7.6,              9.8.7.7,                   false
            2001:db8::/32,        2001:db8:ffff::1,          true
            2001:db8::/32,        2001:db9::1,               false
            2001:db8:0:0:8000::/65, 2001:db8::8000:0:0:1,    true
            2001:db8::/65,        2001:db8::8000:0:0:1,      false
            fe80::/10,            fe80::1%eth0,              true
            ::/0,                 ::1,                       true
            ::/0,                 10.0.0.1,                  false
            10.0.0.0/8,           ::ffff:10.1.2.3,           true
            10.0.0.0/8,           [::ffff:10.1.2.3]:443,     true
            10.0.0.0/8,           10.1.2.3:443,              true
            ::ffff:10.0.0.0/104,  10.9.9.9,                  true
            ::ffff:10.0.0.0/104,  11.9.9.9,                  false
            ::ffff:192.168.0.0/120, 192.168.0.200,           true
            2001:db8::/32,        [2001:db8::5]:8883,        true
            10.0.0.0/8,           ::a00:1,                   false
            """)
    void networksHoldTheirAddresses(String cidr, String address, boolean holds) {
        Cidr network = Cidr.parse(cidr);

        assertThat(network).as(cidr).isNotNull();
        assertThat(network.contains(Cidr.hostAddress(address))).isEqualTo(holds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/x", "2001:db8::/129",
        "2001:db8:::/32", "1:2:3:4:5:6:7:8:9/64", "2001:db8::g/64", "example.com", "::ffff:10.0.0.0/129", "1::2::3", "12345::/16"})
    void badNetworksDoNotParse(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }
}
