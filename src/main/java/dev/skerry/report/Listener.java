package dev.skerry.report;

/** A listening port; interface is null for a socket bound to every address (0.0.0.0 or ::). */
public record Listener(int port, String iface) implements Comparable<Listener> {

    @Override
    public int compareTo(Listener other) {
        int byPort = Integer.compare(port, other.port);
        if (byPort != 0 || iface == null && other.iface == null) {
            return byPort;
        }
        if (iface == null || other.iface == null) {
            return iface == null ? -1 : 1;
        }
        return iface.compareTo(other.iface);
    }
}
