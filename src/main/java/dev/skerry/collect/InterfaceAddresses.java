package dev.skerry.collect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host's own addresses and the interface each belongs to, so that a socket bound to one
 * address can be reported with its interface. IPv6 comes from /proc/net/if_inet6. For IPv4 the
 * kernel offers no such file: the local addresses are the "/32 host LOCAL" leaves of
 * /proc/net/fib_trie, and each is given the interface of the most specific route in
 * /proc/net/route that contains it (127.0.0.0/8 is always lo's).
 */
public final class InterfaceAddresses {

    private record Entry(byte[] address, String name) {
    }

    private final List<Entry> entries;

    InterfaceAddresses(List<Entry> entries) {
        this.entries = entries;
    }

    public static InterfaceAddresses of(Cycle cycle) {
        return cycle.derived(InterfaceAddresses.class, InterfaceAddresses::read);
    }

    /** The interface that owns the address, or null when none does (or it is unspecified). */
    String interfaceOf(byte[] address, int length) {
        if (Addresses.isUnspecified(address, length)) {
            return null;
        }
        // compared in place: this runs for every socket of every table
        int from = Addresses.isV4Mapped(address, length) ? 12 : 0;
        int to = from == 12 ? 16 : length;
        for (Entry entry : entries) {
            if (Arrays.equals(entry.address, 0, entry.address.length, address, from, to)) {
                return entry.name;
            }
        }
        if (to - from == 4 && address[from] == 127) {
            return "lo";
        }
        return null;
    }

    private static InterfaceAddresses read(Cycle cycle) {
        List<Entry> entries = new ArrayList<>();
        try {
            readIpv6(cycle.proc("net/if_inet6"), entries);
        } catch (IOException | RuntimeException e) {
            cycle.problem("interface addresses (net/if_inet6)", e);
        }
        try {
            readIpv4(cycle.proc("net/fib_trie"), cycle.proc("net/route"), entries);
        } catch (IOException | RuntimeException e) {
            cycle.problem("interface addresses (net/fib_trie, net/route)", e);
        }
        return new InterfaceAddresses(entries);
    }

    private static void readIpv6(FileBytes file, List<Entry> entries) {
        if (file == null) {
            return;
        }
        Lines lines = file.lines();
        while (lines.next()) {
            lines.skipSpaces();
            byte[] address = new byte[16];
            if (lines.hexDigitsAhead() != 32) {
                throw lines.malformed("expected a 32-digit address");
            }
            for (int i = 0; i < 16; i++) {
                address[i] = (byte) lines.hex(2);
            }
            for (int i = 0; i < 4; i++) {
                lines.skipField(); // index, prefix length, scope, flags
            }
            entries.add(new Entry(address, lines.field()));
        }
    }

    private record Route(String name, long destination, long mask) {
    }

    private static void readIpv4(FileBytes fibTrie, FileBytes routeFile, List<Entry> entries) {
        if (fibTrie == null || routeFile == null) {
            return;
        }
        List<Route> routes = routes(routeFile);
        String last = null;
        List<String> seen = new ArrayList<>();
        Lines lines = fibTrie.lines();
        while (lines.next()) {
            if (lines.skipIf("|--")) {
                last = lines.field();
            } else if (lines.skipIf("/32 host LOCAL") && last != null && !seen.contains(last)) {
                seen.add(last);
                byte[] address = dotted(last, lines);
                String name = routeInterface(routes, address);
                if (name != null) {
                    entries.add(new Entry(address, name));
                }
            }
        }
    }

    private static List<Route> routes(FileBytes file) {
        List<Route> routes = new ArrayList<>();
        Lines lines = file.lines();
        if (!lines.next() || !lines.lineStartsWith("Iface")) {
            throw new MalformedFileException(file.path(), 1, "missing the 'Iface' header");
        }
        byte[] word = new byte[4];
        while (lines.next()) {
            String name = lines.field();
            lines.skipSpaces();
            long destination = asNumber(lines.hex(8), word);
            lines.skipField(); // gateway
            lines.skipField(); // flags
            lines.skipField(); // refcnt
            lines.skipField(); // use
            lines.skipField(); // metric
            lines.skipSpaces();
            long mask = asNumber(lines.hex(8), word);
            if (mask != 0) {
                routes.add(new Route(name, destination, mask));
            }
        }
        return routes;
    }

    /** A kernel word in host order as an address in network order, read as a number for masking. */
    private static long asNumber(long kernelWord, byte[] scratch) {
        Addresses.putKernelWord(kernelWord, scratch, 0);
        return ((scratch[0] & 0xffL) << 24) | ((scratch[1] & 0xffL) << 16) | ((scratch[2] & 0xffL) << 8) | (scratch[3] & 0xffL);
    }

    private static String routeInterface(List<Route> routes, byte[] address) {
        if (address[0] == 127) {
            return "lo";
        }
        long value = ((address[0] & 0xffL) << 24) | ((address[1] & 0xffL) << 16) | ((address[2] & 0xffL) << 8) | (address[3] & 0xffL);
        Route best = null;
        for (Route route : routes) {
            if ((value & route.mask) == route.destination && (best == null || Long.bitCount(route.mask) > Long.bitCount(best.mask))) {
                best = route;
            }
        }
        return best == null ? null : best.name;
    }

    private static byte[] dotted(String text, Lines lines) {
        String[] parts = text.split("\\.");
        if (parts.length != 4) {
            throw lines.malformed("expected an IPv4 address");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                int octet = Integer.parseInt(parts[i]);
                if (octet < 0 || octet > 255) {
                    throw lines.malformed("expected an IPv4 address");
                }
                address[i] = (byte) octet;
            } catch (NumberFormatException e) {
                throw lines.malformed("expected an IPv4 address");
            }
        }
        return address;
    }
}
