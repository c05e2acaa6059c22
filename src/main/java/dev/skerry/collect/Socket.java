package dev.skerry.collect;

/**
 * One line of /proc/net/{tcp,tcp6,udp,udp6}, decoded in place. The instance is reused for every
 * line of a table: a visitor copies what it keeps.
 */
public final class Socket {

    public static final int ESTABLISHED = 0x01;
    /** TCP_CLOSE: for UDP, a socket that is not connected. */
    public static final int CLOSE = 0x07;
    public static final int LISTEN = 0x0A;

    final byte[] local = new byte[16];
    final byte[] remote = new byte[16];
    int addressLength;
    int localPort;
    int remotePort;
    int state;
    long inode;

    public int state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Only when the table was parsed with inodes; 0 otherwise. */
    public long inode() {
        return inode;
    }

    public boolean remoteUnspecified() {
        return remotePort == 0 && Addresses.isUnspecified(remote, addressLength);
    }

    public boolean localUnspecified() {
        return Addresses.isUnspecified(local, addressLength);
    }

    public String localInterface(InterfaceAddresses interfaces) {
        return interfaces.interfaceOf(local, addressLength);
    }

    /** "ip:port", IPv6 as "[addr]:port", IPv4-mapped IPv6 as plain IPv4. */
    public String localAddress() {
        return Addresses.withPort(local, addressLength, localPort);
    }

    /** "ip:port", IPv6 as "[addr]:port", IPv4-mapped IPv6 as plain IPv4. */
    public String remoteAddress() {
        return Addresses.withPort(remote, addressLength, remotePort);
    }
}
