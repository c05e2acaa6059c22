package dev.skerry.collect;

import java.util.ArrayList;
import java.util.TreeSet;

import dev.skerry.report.Counted;
import dev.skerry.report.Listener;

/** Listening sockets of one protocol, IPv4 and IPv6 together, gathered as distinct (port, interface) pairs. */
final class ListeningPorts {

    private final InterfaceAddresses interfaces;
    private final TreeSet<Listener> listeners = new TreeSet<>();

    ListeningPorts(InterfaceAddresses interfaces) {
        this.interfaces = interfaces;
    }

    /** A socket the caller found to be listening; one without a port (not bound yet) is not a listener. */
    void add(Socket socket) {
        if (socket.localPort() != 0) {
            listeners.add(new Listener(socket.localPort(), socket.localInterface(interfaces)));
        }
    }

    /** The first {@code limit} in port order, with the number of all of them. */
    Counted<Listener> counted(int limit) {
        ArrayList<Listener> kept = new ArrayList<>(Math.min(listeners.size(), limit));
        for (Listener listener : listeners) {
            if (kept.size() == limit) {
                break;
            }
            kept.add(listener);
        }
        return new Counted<>(kept, listeners.size());
    }
}
