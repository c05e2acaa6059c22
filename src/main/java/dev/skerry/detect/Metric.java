package dev.skerry.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.skerry.collect.Collector;
import dev.skerry.collect.CpuTemperatureCollector;
import dev.skerry.collect.CpuUsageCollector;
import dev.skerry.collect.DiskCollector;
import dev.skerry.collect.KernelModulesCollector;
import dev.skerry.collect.ListeningTcpPortsCollector;
import dev.skerry.collect.ListeningUdpPortsCollector;
import dev.skerry.collect.LoadAverageCollector;
import dev.skerry.collect.LoggedInUsersCollector;
import dev.skerry.collect.MemoryCollector;
import dev.skerry.collect.NetworkStatsCollector;
import dev.skerry.collect.ProcessCountCollector;
import dev.skerry.collect.TcpConnectionsCollector;
import dev.skerry.collect.UptimeCollector;
import dev.skerry.report.Connection;
import dev.skerry.report.Counted;
import dev.skerry.report.CustomValue;
import dev.skerry.report.Listener;
import dev.skerry.report.NetworkStats;
import dev.skerry.report.Report;

/**
 * A metric a behaviour can name: its value shape, the collector that measures it, and how its
 * datapoint is read from a check's report (null when the collector gave nothing this time).
 */
record Metric(String name, Shape shape, boolean windowed, String collector, Function<Report, Sample> read) {

    enum Shape {
        /** in-port-set, not-in-port-set with ports */
        PORTS("ports"),
        /** the comparisons with count */
        COUNT("count"),
        /** in-cidr-set, not-in-cidr-set with cidrs */
        ADDRESSES("cidrs"),
        /** the comparisons with number; in-set, not-in-set with numbers */
        NUMBER("number"),
        /** in-set, not-in-set with strings */
        STRINGS("strings");

        /** The field of Device Defender's metricValue this shape is written as. */
        final String field;

        Shape(String field) {
            this.field = field;
        }
    }

    /** Each check makes its own collectors: the report's keep their own samples (network_stats and cpu_usage are deltas). */
    static final Map<String, Supplier<Collector>> COLLECTORS = Map.ofEntries(
            Map.entry("listening_tcp_ports", ListeningTcpPortsCollector::new),
            Map.entry("listening_udp_ports", ListeningUdpPortsCollector::new),
            Map.entry("tcp_connections", TcpConnectionsCollector::new),
            Map.entry("network_stats", NetworkStatsCollector::new),
            Map.entry("cpu_temperature", CpuTemperatureCollector::new),
            Map.entry("cpu_usage", CpuUsageCollector::new),
            Map.entry("disk", DiskCollector::new),
            Map.entry("kernel_modules", KernelModulesCollector::new),
            Map.entry("load_average", LoadAverageCollector::new),
            Map.entry("logged_in_users", LoggedInUsersCollector::new),
            Map.entry("memory", MemoryCollector::new),
            Map.entry("processes", ProcessCountCollector::new),
            Map.entry("uptime", UptimeCollector::new));

    /** The metrics of Device Defender's agents, and skerry's custom metrics by the names its reports carry. */
    static final Map<String, Metric> ALL = new LinkedHashMap<>();

    /** Device Defender's metrics that only the cloud measures (from the broker's side) or that need the fleet. */
    static final Set<String> CLOUD_SIDE = Set.of("aws:num-messages-sent", "aws:num-messages-received", "aws:num-authorization-failures",
            "aws:source-ip-address", "aws:num-connection-attempts", "aws:num-disconnects", "aws:disconnect-duration",
            "aws:message-byte-size");

    static {
        add(new Metric("aws:listening-tcp-ports", Shape.PORTS, false, "listening_tcp_ports", report -> ports(report.listeningTcpPorts())));
        add(new Metric("aws:listening-udp-ports", Shape.PORTS, false, "listening_udp_ports", report -> ports(report.listeningUdpPorts())));
        add(new Metric("aws:num-listening-tcp-ports", Shape.COUNT, false, "listening_tcp_ports", report -> total(report.listeningTcpPorts())));
        add(new Metric("aws:num-listening-udp-ports", Shape.COUNT, false, "listening_udp_ports", report -> total(report.listeningUdpPorts())));
        add(new Metric("aws:num-established-tcp-connections", Shape.COUNT, false, "tcp_connections",
                report -> total(report.establishedConnections())));
        add(new Metric("aws:destination-ip-addresses", Shape.ADDRESSES, false, "tcp_connections",
                report -> destinations(report.establishedConnections())));
        add(new Metric("aws:all-bytes-in", Shape.COUNT, true, "network_stats", report -> traffic(report, NetworkStats::bytesIn)));
        add(new Metric("aws:all-bytes-out", Shape.COUNT, true, "network_stats", report -> traffic(report, NetworkStats::bytesOut)));
        add(new Metric("aws:all-packets-in", Shape.COUNT, true, "network_stats", report -> traffic(report, NetworkStats::packetsIn)));
        add(new Metric("aws:all-packets-out", Shape.COUNT, true, "network_stats", report -> traffic(report, NetworkStats::packetsOut)));
        custom("cpu_temperature_celsius", "cpu_temperature");
        custom("cpu_usage_percent", "cpu_usage");
        custom("disk_root_total_bytes", "disk");
        custom("disk_root_available_bytes", "disk");
        custom("kernel_module_count", "kernel_modules");
        add(new Metric("kernel_modules", Shape.STRINGS, false, "kernel_modules", report -> strings(report.customMetrics().get("kernel_modules"))));
        custom("load_average_1m", "load_average");
        custom("load_average_5m", "load_average");
        custom("load_average_15m", "load_average");
        custom("logged_in_users", "logged_in_users");
        custom("memory_total_bytes", "memory");
        custom("memory_available_bytes", "memory");
        custom("process_count", "processes");
        custom("uptime_seconds", "uptime");
    }

    private static void add(Metric metric) {
        ALL.put(metric.name, metric);
    }

    private static void custom(String name, String collector) {
        add(new Metric(name, Shape.NUMBER, false, collector, report -> report.customMetrics().get(name) instanceof CustomValue.Number number
                ? new Sample.Number(number.value()) : null));
    }

    private static Sample ports(Counted<Listener> listeners) {
        if (listeners == null) {
            return null;
        }
        Set<Integer> ports = new LinkedHashSet<>();
        listeners.entries().forEach(listener -> ports.add(listener.port()));
        return new Sample.Ports(List.copyOf(ports));
    }

    private static Sample total(Counted<?> counted) {
        return counted == null ? null : new Sample.Number(counted.total());
    }

    private static Sample destinations(Counted<Connection> connections) {
        if (connections == null) {
            return null;
        }
        Set<String> addresses = new LinkedHashSet<>();
        for (Connection connection : connections.entries()) {
            addresses.add(withoutPort(connection.remoteAddr()));
        }
        return new Sample.Addresses(new ArrayList<>(addresses));
    }

    static String withoutPort(String address) {
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close < 0 ? address : address.substring(1, close);
        }
        int colon = address.lastIndexOf(':');
        return colon >= 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }

    private static Sample traffic(Report report, Function<NetworkStats, Long> field) {
        return report.networkStats() == null ? null : new Sample.Number(field.apply(report.networkStats()));
    }

    private static Sample strings(CustomValue value) {
        return value instanceof CustomValue.StringList list ? new Sample.Strings(list.values()) : null;
    }
}
