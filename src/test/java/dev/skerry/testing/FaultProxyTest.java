package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of an echo server: each fault does what it says, and restore undoes it. */
class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, Ports.loopback());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket client = echo.accept();
                    Thread echoing = new Thread(() -> {
                        try (client) {
                            client.getInputStream().transferTo(client.getOutputStream());
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                    echoing.setDaemon(true);
                    echoing.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.to(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(Ports.loopback(), proxy.port());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String exchange(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return read(socket.getInputStream(), text.length());
    }

    private static String read(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "hello")).isEqualTo("hello");
            assertThat(exchange(socket, "again")).isEqualTo("again");
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void aStallHoldsEveryByteUntilRestored() throws IOException {
        try (Socket open = connect()) {
            assertThat(exchange(open, "before")).isEqualTo("before");
            proxy.stall();
            try (Socket fresh = connect()) {
                open.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
                fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
                open.setSoTimeout(1500);
                fresh.setSoTimeout(1500);
                assertThatThrownBy(() -> open.getInputStream().read()).as("open connection answers nothing").isInstanceOf(SocketTimeoutException.class);
                assertThatThrownBy(() -> fresh.getInputStream().read()).as("a new one is accepted, never answered").isInstanceOf(SocketTimeoutException.class);

                proxy.restore();
                open.setSoTimeout(20_000);
                fresh.setSoTimeout(20_000);
                assertThat(read(open.getInputStream(), 4)).isEqualTo("held");
                assertThat(read(fresh.getInputStream(), 3)).isEqualTo("new");
            }
        }
    }

    @Test
    void aCutClosesOpenConnectionsAndARefusalNewOnes() throws IOException {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "x")).isEqualTo("x");
            proxy.cut();
            assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        proxy.refuse(true);
        try (Socket socket = connect()) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        proxy.restore();
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "back")).isEqualTo("back");
        }
    }

    @Test
    void aResetMidPacketForwardsPartOfTheChunkThenSendsRst() throws Exception {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "warm")).isEqualTo("warm");
            proxy.resetMidPacket(FaultProxy.Direction.TO_AGENT);
            socket.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
            byte[] got = new byte[10];
            int total = 0;
            SocketException reset = null;
            try {
                int n;
                while (total < 10 && (n = socket.getInputStream().read(got, total, 10 - total)) >= 0) {
                    total += n;
                }
            } catch (SocketException e) {
                reset = e;
            }
            assertThat(total).as("only part of the chunk came through").isLessThan(10);
            assertThat(reset).as("the connection was reset, not closed").isNotNull().hasMessageContaining("reset");
        }
        assertThat(proxy.resets()).isEqualTo(1);
    }

    @Test
    void aThrottleOrDelaySlowsButDeliversEverything() throws IOException {
        proxy.throttle(4000);
        proxy.delay(Duration.ofMillis(100));
        String text = "x".repeat(2000);
        long start = System.nanoTime();
        try (Socket socket = connect()) {
            assertThat(exchange(socket, text)).isEqualTo(text);
        }
        // 2000 bytes at 4000 B/s, each way: at least half a second, however fast the machine
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
}
