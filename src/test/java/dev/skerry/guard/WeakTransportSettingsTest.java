package dev.skerry.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class WeakTransportSettingsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "quarkus.tls.trust-all|true|trust-all",
            "QUARKUS_TLS_TRUST_ALL|TRUE|trust-all",
            "mp.messaging.outgoing.reports.trust-all|true|trust-all",
            "MP_MESSAGING_OUTGOING_REPORTS_SSL_HOSTNAME_VERIFICATION_ALGORITHM|NONE|host name verification off",
            "mp.messaging.connector.smallrye-mqtt.ssl.hostname-verification-algorithm|''|host name verification off",
            "quarkus.tls.mqtt.hostname-verification-algorithm|NONE|host name verification off",
            "quarkus.rest-client.verify-host|false|host name verification off",
            "quarkus.tls.protocols|TLSv1.1,TLSv1.2|older than TLS 1.2",
            "quarkus.tls.mqtt.protocols|TLSv1|older than TLS 1.2",
    })
    void weakeningSettingsAreFound(String name, String value, String problem) {
        assertThat(WeakTransportSettings.problem(name, value)).contains(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "quarkus.tls.trust-all|false",
            "quarkus.tls.mqtt.hostname-verification-algorithm|HTTPS",
            "quarkus.tls.protocols|TLSv1.2,TLSv1.3",
            "skerry.mqtt.topic|trust-all/TLSv1",
            "quarkus.log.level|INFO",
    })
    void harmlessSettingsPass(String name, String value) {
        assertThat(WeakTransportSettings.problem(name, value)).isNull();
    }

    @Test
    void theMessageNamesTheSettingAndItsSource() {
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.tls.trust-all", "true"), "a test source", 100)).build();

        assertThat(WeakTransportSettings.find(config, new Properties()))
                .isEqualTo("quarkus.tls.trust-all (from PropertiesConfigSource[source=a test source]) turns trust-all on; skerry refuses to run with it");
    }

    @Test
    void oldClientProtocolsFromTheJdkPropertyAreFound() {
        Properties system = new Properties();
        system.setProperty("jdk.tls.client.protocols", "TLSv1.1,TLSv1.2");

        assertThat(WeakTransportSettings.find(new SmallRyeConfigBuilder().build(), system)).contains("older than TLS 1.2");
    }

    @Test
    void beforeStartTheEnvironmentADotEnvFileAndSystemPropertiesAreChecked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(WeakTransportSettings.findEarly(Map.of("PATH", "/bin"), new Properties(), dir)).isNull();
        assertThat(WeakTransportSettings.findEarly(Map.of("QUARKUS_TLS_TRUST_ALL", "true"), new Properties(), dir))
                .startsWith("QUARKUS_TLS_TRUST_ALL (environment) turns trust-all on");
        assertThat(WeakTransportSettings.findEarly(Map.of("MP_MESSAGING_OUTGOING_X_TOPIC", "t"), new Properties(), dir))
                .contains("no messaging channels");
        java.nio.file.Files.writeString(dir.resolve(".env"), "# comment\nquarkus.tls.trust-all = true\n");
        assertThat(WeakTransportSettings.findEarly(Map.of(), new Properties(), dir)).contains(".env").contains("trust-all on");
    }
}
