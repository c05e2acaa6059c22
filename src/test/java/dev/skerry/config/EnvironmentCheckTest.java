package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentCheckTest {

    @TempDir
    Path state;

    private Optional<String> check(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("SKERRY_STATE_DIR", state.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return EnvironmentCheck.firstProblem(env);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SKERRY_INTERVAL|abc|not a duration",
            "SKERRY_INTERVAL|500ms|at least 1s",
            "SKERRY_INTERVAL|0|at least 1s",
            "SKERRY_INTERVAL|-5s|at least 1s",
            "SKERRY_FORMAT|xml|one of json, cbor",
            "SKERRY_FIELD_NAMES|tiny|one of long, short",
            "SKERRY_ONCE|yes|one of true, false",
            "SKERRY_LIST_LIMIT|fifty|not a whole number",
            "SKERRY_LIST_LIMIT|0|between 1 and 10000",
            "SKERRY_LIST_LIMIT|99999999999999999999|not a whole number",
            "SKERRY_PATH_PROCFS|/no/such/dir|no such directory",
            "SKERRY_PATH_SYSFS|relative/sys|absolute path",
            "SKERRY_PATH_ROOTFS|/no/such/root|no such directory",
            "SKERRY_STATE_DIR|state|absolute path",
            "SKERRY_COLLECTORS_DISABLED|kernel modules|not a collector name",
            "SKERRY_THING_NAME|a/b|must not contain",
            "SKERRY_THING_NAME|sensor#1|must not contain",
            "SKERRY_MQTT_HOST|mqtts://broker.local|host name or IP address",
            "SKERRY_MQTT_PORT|0|between 1 and 65535",
            "SKERRY_MQTT_PORT|eighty|not a whole number",
            "SKERRY_MQTT_TOPIC|fleet/#|wildcards",
            "SKERRY_MQTT_TOPIC|fleet/{device}|only {thing} and {format}",
            "SKERRY_MQTT_KEEPALIVE|1s|at least 5s",
            "SKERRY_MQTT_QOS|2|one of 0, 1",
            "SKERRY_MQTT_RETAIN|maybe|one of true, false",
            "SKERRY_MQTT_ALPN|on|one of true, false",
            "SKERRY_MQTT_ACK_TIMEOUT|never|not a duration",
            "SKERRY_MQTT_MAX_INFLIGHT|11|between 1 and 10",
            "SKERRY_TLS_CERT|/no/such/cert.pem|no such file",
            "SKERRY_TLS_CA|relative.pem|absolute path",
            "SKERRY_TLS_CERT_PEM|not a certificate|no PEM certificate",
            "SKERRY_SPOOL_DIR|spool|absolute path",
            "SKERRY_SPOOL_MAX_BYTES|lots|not a size",
            "SKERRY_SPOOL_MAX_BYTES|1K|at least 262144 bytes",
            "SKERRY_SPOOL_MAX_COUNT|0|between 1 and 1000000",
            "SKERRY_SPOOL_MODE|ram|one of disk, memory-first",
            "SKERRY_SPOOL_REPLAY_RATE|0|between 1 and 10000",
            "SKERRY_RETRY_BASE|10ms|at least 100ms",
            "SKERRY_RETRY_MAX|forever|not a duration",
            "SKERRY_SHUTDOWN_GRACE|1h|at most 300s",
            "SKERRY_ONCE_TIMEOUT|0s|at least 1s",
            "SKERRY_MQTT_HOST|broker.local:8883|without a port", // found by ConfigurationPropertiesTest
            "SKERRY_MQTT_HOST|10.0.0.1:1883|without a port",
            "SKERRY_SPOOL_REPLAY_RATE|٥|not a whole number", // Arabic-Indic five, which Long.parseLong accepts
    })
    void aBadValueIsOneLineNamingTheVariable(String variable, String value, String problem) {
        Optional<String> message = check(variable, value);

        assertThat(message).hasValueSatisfying(line -> {
            assertThat(line).startsWith(variable + "='" + value + "': ").contains(problem).doesNotContain("\n");
        });
    }

    /** The certificate parser wraps its causes: "java.io.IOException: Incomplete data" must not reach the operator. */
    @ParameterizedTest
    @ValueSource(strings = {"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\n"})
    void aBrokenPemCertificateIsNamedWithoutExceptionClassNames(String pem) {
        Optional<String> message = check("SKERRY_TLS_CA_PEM", pem);

        assertThat(message).hasValueSatisfying(line -> assertThat(line).contains("not a valid PEM certificate (")
                .doesNotContain("Exception").doesNotContain("java."));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SKERRY_INTERVAL|30s", "SKERRY_INTERVAL|5m", "SKERRY_INTERVAL|PT5M", "SKERRY_INTERVAL|1s", "SKERRY_INTERVAL|60",
            "SKERRY_FORMAT|cbor", "SKERRY_FORMAT|JSON", "SKERRY_FIELD_NAMES|short", "SKERRY_ONCE|true",
            "SKERRY_LIST_LIMIT|1", "SKERRY_LIST_LIMIT|10000", "SKERRY_PATH_PROCFS|/proc", "SKERRY_PATH_SYSFS|/sys",
            "SKERRY_COLLECTORS_DISABLED|kernel_modules, logged_in_users", "SKERRY_THING_NAME|edge-box-0042",
            "SKERRY_MQTT_TOPIC|fleet/{thing}/metrics/{format}", "SKERRY_MQTT_PROXY|http://proxy.local:3128",
            "SKERRY_MQTT_PROXY|socks5://user:secret@10.0.0.1:1080", "SKERRY_SPOOL_MAX_BYTES|16M", "SKERRY_SPOOL_MAX_BYTES|1048576",
            "SKERRY_SPOOL_MODE|memory-first", "SKERRY_RETRY_BASE|500ms", "SKERRY_SHUTDOWN_GRACE|0s",
    })
    void goodValuesPass(String variable, String value) {
        if (variable.startsWith("SKERRY_MQTT_") || variable.startsWith("SKERRY_TLS_")) {
            assertThat(check(publishing(variable, value))).isEmpty();
        } else {
            assertThat(check(variable, value)).isEmpty();
        }
    }

    /** A complete publishing set-up (root allowed: the tests may run as root) with the given settings. */
    private static String[] publishing(String... pairs) {
        String[] all = {"SKERRY_MQTT_HOST", "broker.local", "SKERRY_TLS_CA_PEM", TestCertificate.PEM, "SKERRY_TLS_CERT_PEM", TestCertificate.PEM,
            "SKERRY_TLS_KEY_PEM", TestCertificate.KEY, "SKERRY_ALLOW_ROOT", "true"};
        String[] joined = java.util.Arrays.copyOf(all, all.length + pairs.length);
        System.arraycopy(pairs, 0, joined, all.length, pairs.length);
        return joined;
    }

    @Test
    void aCompletePublishingSetUpPasses() {
        assertThat(check(publishing())).isEmpty();
    }

    /** The case: SKERRY_MQTT_HOTS would run in the stdout mode, its reports in the journal, health green. */
    @Test
    void publishingSettingsWithoutAHostAreRefusedNamingThemAndTheTypo() {
        assertThat(check("SKERRY_MQTT_HOTS", "broker.local", "SKERRY_TLS_CA_PEM", TestCertificate.PEM, "SKERRY_MQTT_PORT", "8883"))
                .hasValueSatisfying(line -> assertThat(line)
                        .startsWith("SKERRY_MQTT_PORT, SKERRY_TLS_CA_PEM are set without SKERRY_MQTT_HOST")
                        .contains("SKERRY_MQTT_HOTS is set: did you mean SKERRY_MQTT_HOST?").doesNotContain("\n"));
        assertThat(check("SKERRY_TLS_KEY_PEM", TestCertificate.KEY))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_KEY_PEM is set without SKERRY_MQTT_HOST")
                        .doesNotContain("did you mean").doesNotContain("PRIVATE KEY"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SKERRY_MQTT_HOTS|SKERRY_MQTT_HOST", "SKERRY_INTREVAL|SKERRY_INTERVAL", "SKERRY_STATEDIR|SKERRY_STATE_DIR",
            "SKERRY_TLS_CERTS|SKERRY_TLS_CERT", "SKERRY_MQTT_HOSTNAME|", "SKERRY_DEBUG|", "SKERRY_TLS_KEY_FILE|",
    })
    void anUnknownVariableIsNamedWithTheKnownOneItIsClosestTo(String unknown, String meant) {
        String warning = EnvironmentCheck.warning(unknown);

        assertThat(warning).startsWith(unknown + " is not a variable skerry knows; it is ignored");
        if (meant == null) {
            assertThat(warning).doesNotContain("did you mean");
        } else {
            assertThat(warning).endsWith(" (did you mean " + meant + "?)");
        }
    }

    @Test
    void editDistanceCountsASwapOfNeighboursAsOneEdit() {
        assertThat(Suggestions.distance("SKERRY_MQTT_HOTS", "SKERRY_MQTT_HOST")).isEqualTo(1);
        assertThat(Suggestions.distance("abc", "abc")).isZero();
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void thingNameLimitIs128Bytes() {
        assertThat(check("SKERRY_THING_NAME", "é".repeat(64))).isEmpty();
        assertThat(check("SKERRY_THING_NAME", "é".repeat(65))).hasValueSatisfying(line -> assertThat(line).contains("128 bytes"));
        assertThat(check("SKERRY_THING_NAME", "tab\there")).isPresent();
    }

    @Test
    void hostNamesAndAddressesPassIncludingIpv6() {
        for (String host : new String[] {"broker.local", "10.0.0.1", "::1", "fd00::10:1", "::ffff:10.0.0.1", "abc123-ats.iot.eu-west-1.amazonaws.com"}) {
            assertThat(Checks.host(host)).as(host).isNull();
        }
    }

    @Test
    void hostNamesFollowRfc1123() {
        String label63 = "a".repeat(63);
        String longest = String.join(".", label63, label63, label63, "a".repeat(61));
        assertThat(longest).hasSize(253);
        for (String host : new String[] {label63 + ".example.com", longest, longest + ".", "a-b.c", "x"}) {
            assertThat(Checks.host(host)).as(host).isNull();
        }
        assertThat(Checks.host("a".repeat(64) + ".example.com")).contains("label of 64 characters");
        assertThat(Checks.host(longest + "a")).contains("at most 253");
        assertThat(Checks.host(longest.substring(0, 251) + ".bb")).contains("at most 253");
        for (String host : new String[] {"broker..local", ".broker", "-broker.local", "broker-.local", "bro_ker.local", "bröker.local", "broker.local.."}) {
            assertThat(Checks.host(host)).as(host).isNotNull();
        }
        assertThat(check("SKERRY_MQTT_HOST", "a".repeat(64) + ".iot.eu-west-1.amazonaws.com"))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_MQTT_HOST=").contains("RFC 1123"));
    }

    /** Found by ConfigurationPropertiesTest: MQTT cannot carry a longer user name or password. */
    @Test
    void mqttUserNameAndPasswordHaveAtMost65535Bytes() {
        assertThat(check(publishing("SKERRY_MQTT_USERNAME", "u".repeat(65_535)))).isEmpty();
        assertThat(check("SKERRY_MQTT_USERNAME", "é".repeat(32_768))).hasValueSatisfying(line -> assertThat(line).contains("65535 bytes"));
        assertThat(check(publishing("SKERRY_MQTT_USERNAME", "device", "SKERRY_MQTT_PASSWORD", "p".repeat(65_535)))).isEmpty();
        assertThat(check("SKERRY_MQTT_USERNAME", "device", "SKERRY_MQTT_PASSWORD", "p".repeat(65_536)))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_MQTT_PASSWORD=(hidden): longer than 65535 bytes"));
    }

    @Test
    void aBadBalenaUuidIsNamedWhenItWouldBeTheThingName() {
        assertThat(check("BALENA_DEVICE_UUID", "a+b")).hasValueSatisfying(line -> assertThat(line).startsWith("BALENA_DEVICE_UUID"));
        assertThat(check("BALENA_DEVICE_UUID", "a+b", "SKERRY_THING_NAME", "box")).isEmpty();
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsAConfigurationError(@TempDir Path parent) throws IOException {
        Path file = Files.writeString(parent.resolve("a-file"), "x");

        assertThat(check("SKERRY_STATE_DIR", file.resolve("state").toString()))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_STATE_DIR: cannot create"));
    }

    @Test
    void theStateDirectoryIsCreatedPrivate(@TempDir Path parent) throws IOException {
        Path dir = parent.resolve("skerry");

        assertThat(check("SKERRY_STATE_DIR", dir.toString())).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
    }

    @Test
    void aStateDirectoryOthersMayWriteIsRefusedWithTheFix(@TempDir Path parent) throws IOException {
        Path dir = Files.createDirectory(parent.resolve("skerry"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(check("SKERRY_STATE_DIR", dir.toString())).hasValueSatisfying(line -> assertThat(line)
                .startsWith("SKERRY_STATE_DIR: " + dir + " is writable by group or others").contains("chmod 700 " + dir));
    }

    @Test
    void aPrivateKeyOfAnotherUserIsRefusedButRootsIsNot() throws IOException {
        Path key = Files.writeString(state.resolve("device.key"), TestCertificate.KEY);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int owner = (Integer) Files.getAttribute(key, "unix:uid");

        assertThat(Checks.privateKeyFile(key.toString(), null, owner)).isNull();
        if (owner == 0) {
            assertThat(Checks.privateKeyFile(key.toString(), null, 1000)).as("root's key is trusted by every user").isNull();
            Files.setAttribute(key, "unix:uid", 54_321);
            assertThat(Checks.privateKeyFile(key.toString(), null, 0)).as("another user's key, read by root")
                    .contains("belongs to uid 54321").contains("chown 0 " + key);
        } else {
            assertThat(Checks.privateKeyFile(key.toString(), null, owner + 1000)).contains("belongs to uid " + owner);
        }
    }

    @Test
    void secretsAreNeverRepeated() {
        assertThat(check("SKERRY_MQTT_PROXY", "ftp://user:hunter2@proxy:21")).hasValueSatisfying(line -> {
            assertThat(line).startsWith("SKERRY_MQTT_PROXY=(hidden): must start with http://").doesNotContain("hunter2");
        });
        assertThat(check("SKERRY_TLS_KEY_PEM", "hunter2")).hasValueSatisfying(line -> assertThat(line).doesNotContain("hunter2"));
    }

    @Test
    void aBrokerNeedsTheCaAndAClientCertificateAndKey() {
        assertThat(check("SKERRY_MQTT_HOST", "broker.local"))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_CA (or SKERRY_TLS_CA_PEM) is required"));
    }

    @Test
    void fileAndTextOfTheSameTlsPartAreAmbiguous() throws IOException {
        Path ca = Files.writeString(state.resolve("ca.pem"), TestCertificate.PEM);

        assertThat(check("SKERRY_TLS_CA", ca.toString(), "SKERRY_TLS_CA_PEM", TestCertificate.PEM))
                .hasValueSatisfying(line -> assertThat(line).contains("both set"));
    }

    @Test
    void aPasswordNeedsAUserAndTheBackoffBaseStaysBelowItsCap() {
        assertThat(check(publishing("SKERRY_MQTT_PASSWORD", "x"))).hasValueSatisfying(line -> assertThat(line).contains("without SKERRY_MQTT_USERNAME"));
        assertThat(check("SKERRY_RETRY_BASE", "1m", "SKERRY_RETRY_MAX", "30s")).hasValueSatisfying(line -> assertThat(line).contains("above"));
    }

    @Test
    void aPrivateKeyReadableByOthersIsRefusedButOwnerOnlyModesPass() throws IOException {
        Path key = Files.writeString(state.resolve("device.key"), TestCertificate.KEY);

        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertThat(check("SKERRY_TLS_KEY", key.toString())).as(mode)
                    .hasValueSatisfying(line -> assertThat(line).contains("accessible to group or others").contains("chmod 600"));
        }
        for (String mode : new String[] {"r--------", "rw-------"}) {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertThat(Checks.privateKeyFile(key.toString(), null)).as(mode).isNull();
        }
    }

    @Test
    void aKeyInSystemdsCredentialsDirectoryMayShowGroupReadButNoMore() throws IOException {
        Path credentials = Files.createDirectories(state.resolve("credentials/skerry.service"));
        Path key = Files.writeString(credentials.resolve("device.key"), TestCertificate.KEY);
        Path elsewhere = Files.writeString(state.resolve("device.key"), TestCertificate.KEY);

        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----"));
        assertThat(Checks.privateKeyFile(key.toString(), credentials.toString())).isNull();
        assertThat(Checks.privateKeyFile(key.toString(), null)).contains("accessible to group or others");
        Files.setPosixFilePermissions(elsewhere, java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----"));
        assertThat(Checks.privateKeyFile(elsewhere.toString(), credentials.toString())).contains("accessible to group or others");
        for (String mode : new String[] {"r--r--r--", "r--rw----"}) {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertThat(Checks.privateKeyFile(key.toString(), credentials.toString())).as(mode).contains("accessible to group or others");
        }
    }

    /** --help prints these; README's default column must say the same, and the mapping's defaults must agree. */
    @Test
    void everyVariableHasTheDefaultOfTheMappingAndOfReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(EnvironmentCheck.defaults().keySet()).containsExactlyElementsOf(EnvironmentCheck.names());
        for (var variable : EnvironmentCheck.defaults().entrySet()) {
            var row = java.util.regex.Pattern.compile("(?m)^\\| `" + variable.getKey() + "` \\| (.*?) \\|").matcher(readme);
            assertThat(row.find()).as(variable.getKey()).isTrue();
            assertThat(row.group(1).replace("`", "")).as("README's default of " + variable.getKey()).isEqualTo(variable.getValue());
        }
        var withDefault = new java.util.TreeMap<String, String>();
        defaults(SkerryConfig.class, "SKERRY_", withDefault);
        assertThat(withDefault).isNotEmpty();
        withDefault.forEach((name, value) -> assertThat(EnvironmentCheck.defaults().get(name)).as(name).startsWith(value));
    }

    private static void defaults(Class<?> mapping, String prefix, Map<String, String> found) {
        for (Method method : mapping.getDeclaredMethods()) {
            String name = prefix + method.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == SkerryConfig.class) {
                defaults(method.getReturnType(), name + "_", found);
            } else if (method.getAnnotation(io.smallrye.config.WithDefault.class) != null) {
                found.put(name, method.getAnnotation(io.smallrye.config.WithDefault.class).value());
            }
        }
    }

    @Test
    void unknownSkerryVariablesAreNamed() {
        assertThat(EnvironmentCheck.unknownVariables(Map.of("SKERRY_INTREVAL", "5s", "SKERRY_INTERVAL", "5s", "PATH", "/bin")))
                .containsExactly("SKERRY_INTREVAL");
    }

    @Test
    void everySettingOfTheMappingIsCheckedAndEveryCheckedVariableIsASetting() {
        var fromMapping = new java.util.TreeSet<String>();
        collect(SkerryConfig.class, "SKERRY_", fromMapping);

        assertThat(EnvironmentCheck.names()).containsExactlyInAnyOrderElementsOf(fromMapping);
    }

    /** Quarkus maps skerry.mqtt.ack-timeout (a method ackTimeout() of the group mqtt()) to SKERRY_MQTT_ACK_TIMEOUT. */
    private static void collect(Class<?> mapping, String prefix, java.util.Set<String> names) {
        for (Method method : mapping.getDeclaredMethods()) {
            String name = prefix + method.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == SkerryConfig.class) {
                collect(method.getReturnType(), name + "_", names);
            } else {
                names.add(name);
            }
        }
    }

    @Test
    void readmeDocumentsEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        for (String variable : EnvironmentCheck.names()) {
            assertThat(readme).as(variable).containsPattern("\\| `" + variable + "` \\|");
        }
    }
}
