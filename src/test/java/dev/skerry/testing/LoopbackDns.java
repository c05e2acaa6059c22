package dev.skerry.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 that answers every A question with 127.0.0.1 and every other question with no answer.
 * For tests that make a client really send a DNS query for a name such as localhost (with its hosts file emptied).
 */
public final class LoopbackDns implements AutoCloseable {

    private final DatagramSocket socket;
    private final AtomicInteger queries = new AtomicInteger();

    private LoopbackDns(DatagramSocket socket) {
        this.socket = socket;
    }

    public static LoopbackDns start() throws SocketException {
        LoopbackDns dns = new LoopbackDns(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        Thread thread = new Thread(dns::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
        return dns;
    }

    /** host:port, as resolver configurations want it. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** How many questions were answered. */
    public int queries() {
        return queries.get();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] answer = answer(ByteBuffer.wrap(buffer, 0, packet.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                    queries.incrementAndGet();
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The response to one query: the header and question copied, an A record for 127.0.0.1 when A was asked. */
    private static byte[] answer(ByteBuffer query) {
        if (query.remaining() < 12) {
            return null;
        }
        int end = 12;
        while (end < query.limit() && query.get(end) != 0) {
            end += (query.get(end) & 0xff) + 1; // labels
        }
        end += 5; // the root label, QTYPE, QCLASS
        if (end > query.limit()) {
            return null;
        }
        boolean a = query.getShort(end - 4) == 1;
        ByteBuffer response = ByteBuffer.allocate(end + (a ? 16 : 0));
        response.put(query.array(), query.arrayOffset(), end);
        response.putShort(2, (short) 0x8180); // response, recursion desired and available, no error
        response.putShort(4, (short) 1); // one question
        response.putShort(6, (short) (a ? 1 : 0));
        response.putShort(8, (short) 0);
        response.putShort(10, (short) 0); // no additional records (drops an EDNS OPT record of the query)
        if (a) {
            response.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
                    .put(new byte[] {127, 0, 0, 1});
        }
        return response.array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
