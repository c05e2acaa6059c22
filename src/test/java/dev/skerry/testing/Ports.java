package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Loopback ports for test servers. */
public final class Ports {

    /** Long enough for a loaded 2-core CI machine; the wait ends as soon as the port answers. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private Ports() {
    }

    /** 127.0.0.1 itself: getLoopbackAddress() may answer ::1, where the test servers do not listen. */
    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A port that was free a moment ago on 127.0.0.1. Another process may take it before the server binds it; callers
     * that start child processes retry with a new port when the bind fails.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Polls a TCP connect to 127.0.0.1:{@code port} until it succeeds (true), {@code stillStarting} turns false
     * (false: the server died) or {@link #READY_TIMEOUT} passes (false).
     */
    static boolean awaitListening(int port, BooleanSupplier stillStarting) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && stillStarting.getAsBoolean()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(loopback(), port), 500);
                return true;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a port", e);
        }
    }
}
