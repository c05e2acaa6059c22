package dev.skerry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The checks of fleet provisioning's variables (dev.skerry.provision does the provisioning). */
final class Provisioning {

    private static final List<String> CLAIM = List.of("SKERRY_CLAIM_CERT", "SKERRY_CLAIM_KEY", "SKERRY_CLAIM_CERT_PEM", "SKERRY_CLAIM_KEY_PEM");
    private static final List<String> DEVICE = List.of("SKERRY_TLS_CERT", "SKERRY_TLS_KEY", "SKERRY_TLS_CERT_PEM", "SKERRY_TLS_KEY_PEM");
    private static final List<String> SETTINGS = List.of("SKERRY_PROVISIONING_KEY", "SKERRY_PROVISIONING_PARAMETERS", "SKERRY_RENEW_BEFORE");

    private Provisioning() {
    }

    static boolean enabled(Map<String, String> env) {
        return env.containsKey("SKERRY_PROVISIONING_TEMPLATE");
    }

    /** Variables that mean nothing without a broker. */
    static boolean publishingOnly(String name) {
        return name.startsWith("SKERRY_CLAIM_") || name.startsWith("SKERRY_PROVISIONING_") || name.equals("SKERRY_RENEW_BEFORE");
    }

    /** AWS IoT's template names: 1 to 36 letters, digits, - and _. */
    static String templateProblem(String value) {
        return value.matches("[0-9A-Za-z_-]{1,36}") ? null : "not a provisioning template name (1 to 36 letters, digits, - or _)";
    }

    static String parametersProblem(String value) {
        try {
            // made here, not in a static field: the checks of every start would load Jackson's data binding (300 classes,
            // 2 MiB of metaspace) for a variable almost nobody sets
            JsonNode parameters = new ObjectMapper().readTree(value);
            if (parameters == null || !parameters.isObject()) {
                return "must be a JSON object, such as {\"SerialNumber\":\"1234\"}";
            }
            return null;
        } catch (java.io.IOException e) {
            return "not JSON (a JSON object, such as {\"SerialNumber\":\"1234\"})";
        }
    }

    static Optional<String> combinationProblem(Map<String, String> env) {
        if (!enabled(env)) {
            return CLAIM.stream().filter(env::containsKey).findFirst().or(() -> SETTINGS.stream().filter(env::containsKey).findFirst())
                    .map(name -> name + " is set without SKERRY_PROVISIONING_TEMPLATE, which fleet provisioning needs");
        }
        Optional<String> device = DEVICE.stream().filter(env::containsKey).findFirst();
        if (device.isPresent()) {
            return Optional.of(device.get() + " and SKERRY_PROVISIONING_TEMPLATE are both set: a provisioned device's certificate and key are the"
                    + " ones in the state directory's identity/; unset " + device.get() + ", or SKERRY_PROVISIONING_TEMPLATE to use it");
        }
        for (String part : List.of("CERT", "KEY")) {
            if (!env.containsKey("SKERRY_CLAIM_" + part) && !env.containsKey("SKERRY_CLAIM_" + part + "_PEM")) {
                return Optional.of("SKERRY_CLAIM_" + part + " (or SKERRY_CLAIM_" + part + "_PEM) is required when SKERRY_PROVISIONING_TEMPLATE is set: the"
                        + (part.equals("CERT") ? " claim certificate" : " claim certificate's private key") + " that provisioning connects with");
            }
        }
        return Optional.empty();
    }
}
