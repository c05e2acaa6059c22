package dev.skerry.guard;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.skerry.collect.FileReader;
import dev.skerry.collect.Lines;
import dev.skerry.collect.MalformedFileException;
import dev.skerry.collect.Socket;
import dev.skerry.collect.SocketTable;

/**
 * The ways into this process from outside: sockets it holds that accept connections or datagrams. skerry only
 * connects out; any of these is a regression (a library that started listening, a resolver socket, ...). Found by
 * matching the socket inodes behind {@code /proc/<pid>/fd} to the kernel's socket tables in {@code /proc/<pid>/net},
 * the TCP and UDP ones read with the collectors' parser ({@link SocketTable}).
 *
 * <ul>
 * <li>TCP (v4, v6) in state LISTEN (0A);</li>
 * <li>UDP (v4, v6) bound and unconnected: state 07 with remote address and port 0 (any host can send to it);</li>
 * <li>unix stream or seqpacket sockets listening (flag __SO_ACCEPTCON, 00010000);</li>
 * <li>unix datagram sockets bound to a name (a path or an abstract {@code @name}) and not connected (St 01).</li>
 * </ul>
 * Unnamed or connected sockets, such as the JVM's own socket pairs and the broker connection, are not channels in.
 */
public final class InboundChannels {

    private static final GuardMessages LOG = GuardMessages.of(InboundChannels.class);
    private static final long SO_ACCEPTCON = 0x10000;
    private static final int SOCK_DGRAM = 2;
    private static final int SS_UNCONNECTED = 1;

    /** One channel in, e.g. {@code tcp 0.0.0.0:8080 listening}. */
    public record Channel(String protocol, String local, String state) {
        @Override
        public String toString() {
            return protocol + " " + local + " " + state;
        }
    }

    private InboundChannels() {
    }

    /** This process's inbound channels, read from the real /proc. */
    public static List<Channel> ofThisProcess() throws IOException {
        return of(Path.of("/proc"), "self");
    }

    /** The inbound channels of process {@code pid} ("self" for this one) under {@code procfs}. */
    public static List<Channel> of(Path procfs, String pid) throws IOException {
        Path process = procfs.resolve(pid);
        return inTables(socketInodes(process.resolve("fd")), process.resolve("net"));
    }

    /** Once, after {@code delay} (when the broker connection is up), logs one warning naming what was found; nothing when clean. */
    public static void warnAfter(Duration delay) {
        Thread check = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                warning(ofThisProcess()).ifPresent(LOG::warn);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                LOG.inboundCheckFailed(e);
            }
        }, "skerry-inbound");
        check.setDaemon(true);
        check.start();
    }

    /** The warning line for what was found, or empty when nothing was. */
    public static Optional<String> warning(List<Channel> found) {
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("skerry only connects out, yet this process holds " + found.size() + " inbound channel"
                + (found.size() == 1 ? "" : "s") + ": " + String.join(", ", found.stream().map(Channel::toString).toList()));
    }

    /** The inodes of the sockets among the open file descriptors ({@code socket:[12345]} links). */
    static Set<Long> socketInodes(Path fdDir) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed meanwhile, e.g. the directory stream's own descriptor
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return inodes;
    }

    /** The channels in the socket tables of {@code netDir} whose inode is one of {@code inodes}. A missing table (no IPv6) is skipped. */
    static List<Channel> inTables(Set<Long> inodes, Path netDir) throws IOException {
        List<Channel> found = new ArrayList<>();
        inetTable(netDir.resolve("tcp"), "tcp", inodes, found);
        inetTable(netDir.resolve("tcp6"), "tcp6", inodes, found);
        inetTable(netDir.resolve("udp"), "udp", inodes, found);
        inetTable(netDir.resolve("udp6"), "udp6", inodes, found);
        unixTable(netDir.resolve("unix"), inodes, found);
        return found;
    }

    private static void inetTable(Path table, String protocol, Set<Long> inodes, List<Channel> found) throws IOException {
        boolean tcp = protocol.startsWith("tcp");
        try (Lines lines = new FileReader().stream(table)) {
            if (lines == null) {
                return; // no such table (IPv6 off): nothing in it
            }
            SocketTable.parse(lines, protocol.endsWith("6"), true, socket -> {
                if (!inodes.contains(socket.inode())) {
                    return;
                }
                if (tcp && socket.state() == Socket.LISTEN) {
                    found.add(new Channel(protocol, socket.localAddress(), "listening"));
                } else if (!tcp && socket.state() == Socket.CLOSE && socket.remoteUnspecified()) {
                    found.add(new Channel(protocol, socket.localAddress(), "bound, unconnected"));
                }
            });
        } catch (MalformedFileException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void unixTable(Path table, Set<Long> inodes, List<Channel> found) throws IOException {
        // Num RefCount Protocol Flags Type St Inode [Path]
        forEachRow(table, "Num", 7, fields -> {
            if (!inodes.contains(Long.parseLong(fields[6]))) {
                return;
            }
            long flags = Long.parseLong(fields[3], 16);
            int type = Integer.parseInt(fields[4], 16);
            int state = Integer.parseInt(fields[5], 16);
            String name = fields.length > 7 ? fields[7] : "(unnamed)";
            if ((flags & SO_ACCEPTCON) != 0) {
                found.add(new Channel("unix", name, "listening"));
            } else if (type == SOCK_DGRAM && state == SS_UNCONNECTED && fields.length > 7) {
                found.add(new Channel("unix", name, "datagram, bound, unconnected"));
            }
        });
    }

    /**
     * Each row after the header, split on blanks; at most {@code minFields + 1} fields, the last one the rest of the
     * line (a unix path may hold spaces). Rows are read one at a time: a host with ten thousand connections has
     * megabytes of table, which must not be held in memory at once.
     */
    private static void forEachRow(Path table, String header, int minFields, Consumer<String[]> visitor) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.ISO_8859_1)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String stripped = line.strip();
                if (stripped.isEmpty() || stripped.startsWith(header)) {
                    continue;
                }
                String[] fields = stripped.split("\\s+", minFields + 1);
                if (fields.length < minFields) {
                    throw new IOException(table + ": a line with fewer than " + minFields + " fields: " + stripped);
                }
                visitor.accept(fields);
            }
        } catch (NoSuchFileException e) {
            // no such table (IPv6 off): nothing in it
        }
    }
}
