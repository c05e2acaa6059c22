package dev.skerry.report;

import dev.skerry.config.FieldNames;

/** Every field of the document with its long and short name, as the service defines them. */
enum Field {
    HEADER("header", "hed"),
    REPORT_ID("report_id", "rid"),
    VERSION("version", "v"),
    METRICS("metrics", "met"),
    LISTENING_TCP_PORTS("listening_tcp_ports", "tp"),
    LISTENING_UDP_PORTS("listening_udp_ports", "up"),
    PORTS("ports", "pts"),
    PORT("port", "pt"),
    INTERFACE("interface", "if"),
    TOTAL("total", "t"),
    TCP_CONNECTIONS("tcp_connections", "tc"),
    ESTABLISHED_CONNECTIONS("established_connections", "ec"),
    CONNECTIONS("connections", "cs"),
    REMOTE_ADDR("remote_addr", "rad"),
    LOCAL_PORT("local_port", "lp"),
    LOCAL_INTERFACE("local_interface", "li"),
    NETWORK_STATS("network_stats", "ns"),
    BYTES_IN("bytes_in", "bi"),
    BYTES_OUT("bytes_out", "bo"),
    PACKETS_IN("packets_in", "pi"),
    PACKETS_OUT("packets_out", "po"),
    CUSTOM_METRICS("custom_metrics", "cmet");

    final String longName;
    final String shortName;

    Field(String longName, String shortName) {
        this.longName = longName;
        this.shortName = shortName;
    }

    String name(FieldNames names) {
        return names == FieldNames.SHORT ? shortName : longName;
    }
}
