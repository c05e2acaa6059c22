package dev.skerry.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metrics report in Device Defender's document model. Every metric is optional: a collector
 * that failed, or a delta metric in the first report, is simply absent.
 */
public record Report(
        long reportId,
        Counted<Listener> listeningTcpPorts,
        Counted<Listener> listeningUdpPorts,
        Counted<Connection> establishedConnections,
        NetworkStats networkStats,
        Map<String, CustomValue> customMetrics) {

    public Report {
        customMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(customMetrics));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Filled by the collectors of one cycle; each sets its metric once, after it has fully parsed it. */
    public static final class Builder {
        private Counted<Listener> listeningTcpPorts;
        private Counted<Listener> listeningUdpPorts;
        private Counted<Connection> establishedConnections;
        private NetworkStats networkStats;
        private final Map<String, CustomValue> customMetrics = new LinkedHashMap<>();
        private final List<String> rejected = new ArrayList<>();

        public Builder listeningTcpPorts(Counted<Listener> ports) {
            this.listeningTcpPorts = ports;
            return this;
        }

        public Builder listeningUdpPorts(Counted<Listener> ports) {
            this.listeningUdpPorts = ports;
            return this;
        }

        public Builder establishedConnections(Counted<Connection> connections) {
            this.establishedConnections = connections;
            return this;
        }

        public Builder networkStats(NetworkStats stats) {
            this.networkStats = stats;
            return this;
        }

        /**
         * Adds a custom metric unless it breaks the service's rules, which would make the service
         * drop it silently; the reason is kept for {@link #rejected()}.
         */
        public Builder custom(String name, CustomValue value) {
            String problem = CustomMetricRules.problem(name, value);
            if (problem == null) {
                customMetrics.put(name, value);
            } else {
                rejected.add("custom metric '" + name + "' left out: " + problem);
            }
            return this;
        }

        public Builder custom(String name, double number) {
            return custom(name, CustomValue.number(number));
        }

        /** Adds what another builder holds (one collector's metrics, set apart while it ran), its metrics replacing these. */
        public Builder include(Builder other) {
            if (other.listeningTcpPorts != null) {
                listeningTcpPorts = other.listeningTcpPorts;
            }
            if (other.listeningUdpPorts != null) {
                listeningUdpPorts = other.listeningUdpPorts;
            }
            if (other.establishedConnections != null) {
                establishedConnections = other.establishedConnections;
            }
            if (other.networkStats != null) {
                networkStats = other.networkStats;
            }
            customMetrics.putAll(other.customMetrics);
            rejected.addAll(other.rejected);
            return this;
        }

        public List<String> rejected() {
            return rejected;
        }

        public Report build(long reportId) {
            return new Report(reportId, listeningTcpPorts, listeningUdpPorts, establishedConnections, networkStats, customMetrics);
        }
    }
}
