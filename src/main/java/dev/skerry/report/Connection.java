package dev.skerry.report;

/** An established TCP connection; localInterface is null when no interface owns the local address. */
public record Connection(String remoteAddr, int localPort, String localInterface) {
}
