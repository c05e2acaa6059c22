package dev.skerry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TCP proxy on 127.0.0.1 between the agent and a broker that misbehaves on command, as the
 * networks of edge boxes do: it cuts connections, refuses new ones, stalls (accepts, then forwards
 * nothing either way), slows (a delay per chunk, or a byte rate), and resets a connection in the
 * middle of a packet (half a chunk forwarded, then RST through SO_LINGER 0).
 *
 * <p>{@link #tlsTerminating} ends the agent's TLS at the proxy (with TestPki's server certificate,
 * which the agent trusts) and forwards plain MQTT to the broker, so that the proxy can see MQTT
 * packets: {@link #swallowPubacks(boolean)} then drops every PUBACK on its way to the agent.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to(broker.port())) { ... proxy.port() ... proxy.stall(); ... proxy.restore(); }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    /** Which way bytes flow. */
    public enum Direction { TO_BROKER, TO_AGENT }

    private static final int PUBACK = 4;

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean stalled;
    private volatile boolean refusing;
    private volatile long delayMillis;
    private volatile long bytesPerSecond;
    private volatile boolean swallowPubacks;
    private final AtomicReference<Direction> resetArmed = new AtomicReference<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger pubacksSwallowed = new AtomicInteger();

    private FaultProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A plain TCP proxy to 127.0.0.1:targetPort; TLS passes through untouched. */
    public static FaultProxy to(int targetPort) {
        try {
            return new FaultProxy(new ServerSocket(0, 50, Ports.loopback()), targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends TLS with pki's valid server certificate and forwards plain bytes to 127.0.0.1:plainTargetPort. */
    public static FaultProxy tlsTerminating(TestPki pki, int plainTargetPort) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", privateKey(pki.serverKey()), new char[0], certificates(pki.serverCert()));
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return new FaultProxy(context.getServerSocketFactory().createServerSocket(0, 50, Ports.loopback()), plainTargetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test server certificate", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection (FIN both ways); new ones are still accepted. */
    public void cut() {
        links.forEach(link -> link.close(false));
    }

    /** While on, a new connection is closed as soon as it is accepted. */
    public void refuse(boolean on) {
        refusing = on;
    }

    /** Forwards nothing more, either way, on open and new connections; they stay open. */
    public void stall() {
        stalled = true;
    }

    /** Each chunk waits this long before it is forwarded. */
    public void delay(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** Forwards at most this many bytes a second in each direction of each connection. */
    public void throttle(long rate) {
        bytesPerSecond = rate;
    }

    /** Forwards at full speed again: ends a stall, a delay, a throttle and a refusal; held bytes go on. */
    public void restore() {
        refusing = false;
        delayMillis = 0;
        bytesPerSecond = 0;
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    /** The next chunk that flows in this direction is forwarded only in part, then both sockets are reset (RST). */
    public void resetMidPacket(Direction direction) {
        resetArmed.set(direction);
    }

    /** While on, drops every MQTT PUBACK on its way to the agent; needs {@link #tlsTerminating} (or a plain MQTT client). */
    public void swallowPubacks(boolean on) {
        swallowPubacks = on;
    }

    /** Connections accepted since start. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return links.size();
    }

    /** Connections reset mid-packet. */
    public int resets() {
        return resets.get();
    }

    public int pubacksSwallowed() {
        return pubacksSwallowed.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        restore();
        links.forEach(link -> link.close(false));
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket agent;
            try {
                agent = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (refusing) {
                closeQuietly(agent);
                continue;
            }
            Thread connector = new Thread(() -> connect(agent), "fault-proxy-link");
            connector.setDaemon(true);
            connector.start();
        }
    }

    private void connect(Socket agent) {
        Socket broker = new Socket();
        try {
            agent.setTcpNoDelay(true);
            broker.setTcpNoDelay(true);
            broker.connect(new InetSocketAddress(Ports.loopback(), targetPort), 10_000);
        } catch (IOException e) {
            closeQuietly(agent);
            closeQuietly(broker);
            return;
        }
        Link link = new Link(agent, broker);
        links.add(link);
        Thread back = new Thread(() -> link.pump(Direction.TO_AGENT), "fault-proxy-to-agent");
        back.setDaemon(true);
        back.start();
        link.pump(Direction.TO_BROKER);
    }

    /** One agent connection and its connection to the broker. */
    private final class Link {
        private final Socket agent;
        private final Socket broker;
        private final MqttPackets toAgent = new MqttPackets();

        Link(Socket agent, Socket broker) {
            this.agent = agent;
            this.broker = broker;
        }

        void pump(Direction direction) {
            Socket from = direction == Direction.TO_BROKER ? agent : broker;
            Socket to = direction == Direction.TO_BROKER ? broker : agent;
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer, 0, chunkSize(buffer.length))) >= 0) {
                    awaitOpenGate();
                    if (read > 1 && resetArmed.compareAndSet(direction, null)) {
                        out.write(buffer, 0, read / 2);
                        out.flush();
                        resets.incrementAndGet();
                        close(true);
                        return;
                    }
                    slowDown(read);
                    byte[] chunk = Arrays.copyOf(buffer, read);
                    out.write(direction == Direction.TO_AGENT && swallowPubacks ? toAgent.withoutPubacks(chunk) : chunk);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(false);
        }

        private int chunkSize(int max) {
            long rate = bytesPerSecond;
            return rate > 0 ? (int) Math.max(1, Math.min(max, rate / 10)) : max;
        }

        private void awaitOpenGate() throws InterruptedException {
            synchronized (gate) {
                while (stalled) {
                    gate.wait();
                }
            }
        }

        private void slowDown(int bytes) throws InterruptedException {
            long pause = delayMillis;
            long rate = bytesPerSecond;
            if (rate > 0) {
                pause += bytes * 1000L / rate;
            }
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }

        /** reset: SO_LINGER 0, so close sends RST instead of FIN. */
        void close(boolean reset) {
            if (links.remove(this) || reset) {
                for (Socket socket : List.of(agent, broker)) {
                    if (reset) {
                        try {
                            socket.setSoLinger(true, 0);
                        } catch (IOException e) {
                            // already closed
                        }
                    }
                    closeQuietly(socket);
                }
            }
        }
    }

    /** Splits the broker's byte stream into MQTT packets and keeps all but PUBACKs. */
    private final class MqttPackets {
        private byte[] pending = new byte[0];

        byte[] withoutPubacks(byte[] chunk) {
            byte[] data = concat(pending, chunk);
            java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
            int offset = 0;
            int length;
            while ((length = packetLength(data, offset)) > 0 && offset + length <= data.length) {
                if ((data[offset] & 0xff) >> 4 == PUBACK) {
                    pubacksSwallowed.incrementAndGet();
                } else {
                    kept.write(data, offset, length);
                }
                offset += length;
            }
            pending = Arrays.copyOfRange(data, offset, data.length);
            return kept.toByteArray();
        }

        /** Fixed header plus remaining length, or -1 while the length itself is incomplete. */
        private static int packetLength(byte[] data, int offset) {
            int multiplier = 1;
            int remaining = 0;
            for (int i = 1; i < 5 && offset + i < data.length; i++) {
                int digit = data[offset + i] & 0xff;
                remaining += (digit & 0x7f) * multiplier;
                if ((digit & 0x80) == 0) {
                    return 1 + i + remaining;
                }
                multiplier *= 128;
            }
            return -1;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] joined = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            return joined;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, java.security.GeneralSecurityException {
        String text = Files.readString(pem);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalStateException(pem + " is not a PKCS#8 key");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException e) {
                // try the next
            }
        }
        throw new IllegalStateException(pem + ": neither an RSA nor an EC key");
    }

    private static Certificate[] certificates(Path pem) throws IOException, java.security.GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
    }
}
