package dev.skerry.publish;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal outbound proxy on 127.0.0.1, HTTP CONNECT or SOCKS5 (no authentication), that
 * records which targets it was asked for and pipes bytes both ways. Test-only.
 */
final class TunnelProxy implements AutoCloseable {

    enum Kind { HTTP, SOCKS5 }

    private final Kind kind;
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    TunnelProxy(Kind kind) throws IOException {
        this.kind = kind;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "test-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** "host:port" per tunnel requested. */
    List<String> targets() {
        return targets;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread handler = new Thread(() -> handle(client), "test-proxy-tunnel");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String host;
            int port;
            if (kind == Kind.HTTP) {
                String request = readHeaders(in);
                String target = request.split(" ")[1];
                host = target.substring(0, target.lastIndexOf(':'));
                port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            } else {
                DataInputStream data = new DataInputStream(in);
                data.readByte(); // version 5
                data.skipBytes(data.readUnsignedByte()); // offered methods
                out.write(new byte[] {5, 0});
                data.readByte();
                data.readByte(); // CONNECT
                data.readByte();
                int type = data.readUnsignedByte();
                if (type == 3) {
                    byte[] name = new byte[data.readUnsignedByte()];
                    data.readFully(name);
                    host = new String(name, StandardCharsets.US_ASCII);
                } else {
                    byte[] address = new byte[type == 1 ? 4 : 16];
                    data.readFully(address);
                    host = InetAddress.getByAddress(address).getHostAddress();
                }
                port = data.readUnsignedShort();
            }
            targets.add(host + ":" + port);
            Socket upstream = new Socket(host, port);
            open.add(upstream);
            if (kind == Kind.HTTP) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            }
            out.flush();
            Thread back = new Thread(() -> pipe(upstream, client), "test-proxy-back");
            back.setDaemon(true);
            back.start();
            pipe(client, upstream);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the request");
            }
            headers.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(TunnelProxy::closeQuietly);
    }
}
