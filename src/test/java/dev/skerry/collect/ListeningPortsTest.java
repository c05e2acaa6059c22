package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.skerry.report.Counted;
import dev.skerry.report.Listener;

/** Listeners come out as the distinct (port, interface) pairs in Listener's order, whatever the order of the sockets. */
class ListeningPortsTest {

    /** Addresses of the aarch64 host: every address, lo's, eth0's, and lo's as IPv4-mapped IPv6. */
    private static final String[] ADDRESSES = {"00000000", "0100007F", "3201A8C0", "00000000000000000000000000000000",
        "00000000000000000000000001000000", "80FE00000000000000FFFF32563412FE", "0000000000000000FFFF00000100007F"};

    private static Socket socket(int port, String kernelAddress) {
        Socket socket = new Socket();
        socket.addressLength = kernelAddress.length() / 2;
        for (int word = 0; word < socket.addressLength / 4; word++) {
            Addresses.putKernelWord(Long.parseLong(kernelAddress.substring(8 * word, 8 * word + 8), 16), socket.local, 4 * word);
        }
        socket.localPort = port;
        return socket;
    }

    @Test
    void sameAsASortedSetOfListenersWhateverTheOrderOfTheSockets() {
        InterfaceAddresses interfaces = InterfaceAddresses.of(new Cycle(Hosts.host("aarch64"), new FileReader(), 50, (source, e) -> {
            throw new AssertionError(source, e);
        }));
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = random.nextInt(300); i > 0; i--) {
                sockets.add(socket(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(40), ADDRESSES[random.nextInt(ADDRESSES.length)]));
            }
            TreeSet<Listener> expected = new TreeSet<>();
            for (Socket socket : sockets) {
                if (socket.localPort() != 0) {
                    expected.add(new Listener(socket.localPort(), socket.localInterface(interfaces)));
                }
            }
            for (int limit : new int[] {0, 1, 7, 50, 1000}) {
                ListeningPorts listening = new ListeningPorts(interfaces);
                sockets.forEach(listening::add);

                Counted<Listener> counted = listening.counted(limit);

                assertThat(counted.entries()).as("round %d, limit %d", round, limit).containsExactlyElementsOf(expected.stream().limit(limit).toList());
                assertThat(counted.total()).isEqualTo(expected.size());
            }
        }
        assertThat(new Listener(80, null)).isLessThan(new Listener(80, "eth0")).isLessThan(new Listener(80, "lo"));
    }
}
