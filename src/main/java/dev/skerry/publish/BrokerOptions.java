package dev.skerry.publish;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.skerry.config.SkerryConfig;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;

/**
 * The MQTT client's options, with the TLS policy set explicitly rather than left to defaults:
 * the Vert.x MQTT client does not verify the broker's host name unless told to, and would trust
 * the JDK's whole default trust store if given none.
 */
public final class BrokerOptions {

    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    static final String AWS_ALPN = "x-amzn-mqtt-ca";
    /**
     * The largest inbound MQTT packet (remaining length) the client decodes. Netty's decoder has no
     * way to skip a bigger one: it fails the packet and Vert.x closes the connection, and a retained
     * message that big would then come back at every reconnect. Its default, 8092 bytes, is below
     * what a broker may deliver; AWS IoT Core delivers at most 128 KB of payload with a topic of at
     * most 256 bytes, so this bound lets every message it can send in (held in memory once, while it
     * is decoded). Smaller limits for what skerry reads from the messages are DefenderResponses'.
     */
    static final int MAX_INBOUND_MESSAGE_BYTES = 256 * 1024;

    private BrokerOptions() {
    }

    /** Where and how to connect, apart from TLS. */
    public record Endpoint(String host, int port, String clientId, Duration keepalive, Duration ackTimeout,
            Optional<String> username, Optional<String> password, boolean alpn, Optional<String> proxy,
            Duration retryBase, Duration retryMax) {

        public static Endpoint of(SkerryConfig config, String thing, boolean portGiven) {
            SkerryConfig.Mqtt mqtt = config.mqtt();
            return new Endpoint(mqtt.host().orElseThrow(), mqtt.alpn() && !portGiven ? 443 : mqtt.port(), thing, mqtt.keepalive(),
                    mqtt.ackTimeout(), mqtt.username(), mqtt.password(), mqtt.alpn(), mqtt.proxy(), config.retry().base(), config.retry().max());
        }
    }

    public static MqttClientSessionOptions build(Endpoint endpoint, TlsMaterial tls) {
        MqttClientSessionOptions options = new MqttClientSessionOptions();
        options.setHostname(endpoint.host());
        options.setPort(endpoint.port());
        options.setClientId(endpoint.clientId());
        options.setCleanSession(true);
        options.setKeepAliveInterval((int) endpoint.keepalive().toSeconds());
        options.setAckTimeout((int) Math.max(1, endpoint.ackTimeout().toSeconds()));
        options.setMaxInflightQueue(16);
        options.setMaxMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        options.setReconnectDelay(new JitteredBackoff(endpoint.retryBase(), endpoint.retryMax()));
        endpoint.username().ifPresent(options::setUsername);
        endpoint.password().ifPresent(options::setPassword);

        options.setSsl(true);
        options.setTrustAll(false);
        options.setPemKeyCertOptions(new PemKeyCertOptions().addCertValue(tls.certificate()).addKeyValue(tls.key()));
        options.setPemTrustOptions(new PemTrustOptions().addCertValue(tls.authorities()));
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.setEnabledSecureTransportProtocols(new java.util.LinkedHashSet<>(PROTOCOLS));
        if (endpoint.alpn()) {
            options.setUseAlpn(true);
            options.setApplicationLayerProtocols(List.of(AWS_ALPN));
        }
        endpoint.proxy().map(BrokerOptions::proxy).ifPresent(options::setProxyOptions);
        return options;
    }

    static ProxyOptions proxy(String url) {
        URI uri = URI.create(url);
        ProxyOptions proxy = new ProxyOptions()
                .setType(uri.getScheme().toLowerCase(Locale.ROOT).equals("socks5") ? ProxyType.SOCKS5 : ProxyType.HTTP)
                .setHost(uri.getHost())
                .setPort(uri.getPort());
        if (uri.getUserInfo() != null) {
            String[] credentials = uri.getUserInfo().split(":", 2);
            proxy.setUsername(credentials[0]);
            if (credentials.length > 1) {
                proxy.setPassword(credentials[1]);
            }
        }
        return proxy;
    }

    /**
     * Checks the options as they will be used, whatever set them: a weakened transport is a
     * configuration error, never a warning. Returns the problem, or null.
     */
    public static String weakness(MqttClientSessionOptions options) {
        if (!options.isSsl()) {
            return "TLS is off";
        }
        if (options.isTrustAll()) {
            return "trust-all is on";
        }
        if (!"HTTPS".equals(options.getHostnameVerificationAlgorithm())) {
            return "the broker's host name is not verified";
        }
        if (options.getTrustOptions() == null) {
            return "no CA is given (the JDK's default trust store would be used)";
        }
        if (options.getKeyCertOptions() == null) {
            return "no client certificate is given";
        }
        if (!PROTOCOLS.containsAll(options.getEnabledSecureTransportProtocols())) {
            return "protocols other than TLS 1.2 and 1.3 are enabled: " + options.getEnabledSecureTransportProtocols();
        }
        return null;
    }
}
