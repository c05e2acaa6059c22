package dev.skerry.publish;

import java.net.URI;
import java.util.List;
import java.util.Locale;
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

    private BrokerOptions() {
    }

    public static MqttClientSessionOptions build(SkerryConfig config, String thing, TlsMaterial tls, boolean portGiven) {
        SkerryConfig.Mqtt mqtt = config.mqtt();
        MqttClientSessionOptions options = new MqttClientSessionOptions();
        options.setHostname(mqtt.host().orElseThrow());
        options.setPort(mqtt.alpn() && !portGiven ? 443 : mqtt.port());
        options.setClientId(thing);
        options.setCleanSession(true);
        options.setKeepAliveInterval((int) mqtt.keepalive().toSeconds());
        options.setAckTimeout((int) Math.max(1, mqtt.ackTimeout().toSeconds()));
        options.setMaxInflightQueue(16);
        options.setReconnectDelay(new JitteredBackoff(config.retry().base(), config.retry().max()));
        mqtt.username().ifPresent(options::setUsername);
        mqtt.password().ifPresent(options::setPassword);

        options.setSsl(true);
        options.setTrustAll(false);
        options.setPemKeyCertOptions(new PemKeyCertOptions().addCertValue(tls.certificate()).addKeyValue(tls.key()));
        options.setPemTrustOptions(new PemTrustOptions().addCertValue(tls.authorities()));
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.setEnabledSecureTransportProtocols(PROTOCOLS);
        if (mqtt.alpn()) {
            options.setUseAlpn(true);
            options.setApplicationLayerProtocols(List.of(AWS_ALPN));
        }
        mqtt.proxy().map(BrokerOptions::proxy).ifPresent(options::setProxyOptions);
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
