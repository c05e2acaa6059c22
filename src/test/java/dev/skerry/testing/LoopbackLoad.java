package dev.skerry.testing;

import static java.net.StandardProtocolFamily.INET;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes this host look busy, on loopback only: {@code connections} established TCP connections (each a client and an
 * accepted server socket on 127.0.0.1) and listening TCP and bound, unconnected UDP ports on 127.0.0.1.
 *
 * <p>All sockets are IPv4 (they show in {@code /proc/net/tcp} and {@code udp}, not as mapped addresses in {@code tcp6}).
 * All channels are plain NIO channels held by the caller's thread, no thread per connection. The connections are
 * spread over several destination ports so that 20,000 of them do not run out of ephemeral ports, and the listeners
 * that accepted them are closed once every connection is up, so the host has exactly the listeners asked for. Every
 * socket gets {@code SO_LINGER 0}: closing it (or the process exiting) resets the connection instead of leaving
 * TIME_WAIT entries in {@code /proc/net/tcp} that would skew the next measurement.
 *
 * <p>As a program (for the benchmark scripts): {@code LoopbackLoad <connections> <listeners> <seconds>} sets up the load
 * with {@code listeners} TCP and {@code listeners} UDP ports, prints {@code ready} and holds it until {@code seconds}
 * pass, SIGTERM arrives or the parent process is gone, then closes everything. Connections beyond what the open-file
 * limit allows one process are held by child processes of the same program, which end with it.
 */
public final class LoopbackLoad implements AutoCloseable {

    /** Connections per destination port: well below the ephemeral port range of one (source, destination) pair. */
    private static final int CONNECTIONS_PER_PORT = 2_500;
    /** Connections opened before their server ends are accepted: below the accept backlog. */
    private static final int BATCH = 256;
    private static final InetAddress LOOPBACK = Ports.loopback();

    private final List<NetworkChannel> channels = new ArrayList<>();
    private final List<Integer> destinationPorts = new ArrayList<>();
    private int connections;
    private int tcpListeners;
    private int udpListeners;

    private LoopbackLoad() {
    }

    /** Sets up the load; on failure everything opened so far is closed again. */
    public static LoopbackLoad start(int connections, int tcpListeners, int udpListeners) {
        if (connections < 0 || tcpListeners < 0 || udpListeners < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        long needed = 2L * connections + tcpListeners + udpListeners + 64;
        long limit = openFileLimit();
        if (needed > limit) {
            throw new IllegalStateException("need about " + needed + " file descriptors, the limit is " + limit
                    + " (raise it, e.g. ulimit -n 65536)");
        }
        LoopbackLoad load = new LoopbackLoad();
        try {
            load.listen(tcpListeners, udpListeners);
            load.connect(connections);
            return load;
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot set up the load", io) : (RuntimeException) e;
        }
    }

    public int connections() {
        return connections;
    }

    public int tcpListeners() {
        return tcpListeners;
    }

    public int udpListeners() {
        return udpListeners;
    }

    /** The server ports of the connections (their listeners are closed, the accepted sockets keep the ports). */
    List<Integer> destinationPorts() {
        return List.copyOf(destinationPorts);
    }

    /** The local ports of the TCP listeners and UDP sockets, in that order. */
    List<Integer> listenerPorts() throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (NetworkChannel channel : channels) {
            if (channel instanceof ServerSocketChannel || channel instanceof DatagramChannel) {
                ports.add(((InetSocketAddress) channel.getLocalAddress()).getPort());
            }
        }
        return ports;
    }

    private void listen(int tcp, int udp) throws IOException {
        for (int i = 0; i < tcp; i++) {
            ServerSocketChannel server = ServerSocketChannel.open(INET);
            channels.add(server);
            server.bind(new InetSocketAddress(LOOPBACK, 0), 1);
            tcpListeners++;
        }
        for (int i = 0; i < udp; i++) {
            DatagramChannel socket = DatagramChannel.open(INET);
            channels.add(socket);
            socket.bind(new InetSocketAddress(LOOPBACK, 0));
            udpListeners++;
        }
    }

    private void connect(int count) throws IOException {
        int remaining = count;
        while (remaining > 0) {
            int onThisPort = Math.min(remaining, CONNECTIONS_PER_PORT);
            try (ServerSocketChannel server = ServerSocketChannel.open(INET)) {
                server.bind(new InetSocketAddress(LOOPBACK, 0), BATCH * 2);
                InetSocketAddress destination = (InetSocketAddress) server.getLocalAddress();
                destinationPorts.add(destination.getPort());
                for (int done = 0; done < onThisPort; done += BATCH) {
                    int batch = Math.min(BATCH, onThisPort - done);
                    for (int i = 0; i < batch; i++) {
                        SocketChannel client = SocketChannel.open(INET);
                        channels.add(client);
                        client.setOption(StandardSocketOptions.SO_LINGER, 0);
                        client.connect(destination);
                    }
                    for (int i = 0; i < batch; i++) {
                        SocketChannel accepted = server.accept();
                        channels.add(accepted);
                        accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
                        connections++;
                    }
                }
            }
            remaining -= onThisPort;
        }
    }

    /** Closes every socket (connections are reset, not left in TIME_WAIT). Safe to call twice. */
    @Override
    public synchronized void close() {
        for (NetworkChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a loopback socket only fails when it is already closed
            }
        }
        channels.clear();
        destinationPorts.clear();
        connections = 0;
        tcpListeners = 0;
        udpListeners = 0;
    }

    /** The soft limit on open files ("Max open files" in /proc/self/limits); the JVM raises it to the hard limit. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Long.MAX_VALUE;
    }

    /** {@code LoopbackLoad <connections> <listeners> <seconds>}: see the class comment. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: LoopbackLoad <connections> <listeners> <seconds>");
            System.exit(2);
        }
        int connections = Integer.parseInt(args[0]);
        int listeners = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();

        // One process holds at most what its open-file limit allows (which an unprivileged user, or root without
        // CAP_SYS_RESOURCE, cannot raise); the rest of the connections go to child processes of this same program.
        int own = (int) Math.min(connections, Math.max(0, (openFileLimit() - 2L * listeners - 256) / 2));
        List<Process> children = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> children.forEach(Process::destroy), "loopback-load-children"));
        for (int rest = connections - own; rest > 0; rest -= own) {
            children.add(child(Math.min(rest, own), seconds));
        }
        LoopbackLoad load = start(own, listeners, listeners);
        Runtime.getRuntime().addShutdownHook(new Thread(load::close, "loopback-load-close"));
        int total = load.connections();
        for (Process child : children) {
            total += awaitReady(child);
        }
        System.out.println("ready " + total + " connections, " + load.tcpListeners() + " tcp and " + load.udpListeners()
                + " udp listeners, in " + (1 + children.size()) + " processes");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && parent.isAlive() && children.stream().allMatch(Process::isAlive)) {
            Thread.sleep(200);
        }
        System.exit(0); // the shutdown hooks close everything and stop the children
    }

    private static Process child(int connections, long seconds) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LoopbackLoad.class.getName(),
                Integer.toString(connections), "0", Long.toString(seconds))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The connection count from the child's "ready" line; fails when it exits first. */
    private static int awaitReady(Process child) throws IOException {
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
        if (line == null || !line.startsWith("ready ")) {
            throw new IllegalStateException("a load process failed: " + line);
        }
        return Integer.parseInt(line.split(" ")[1]);
    }
}
