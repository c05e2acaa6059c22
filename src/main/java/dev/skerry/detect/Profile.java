package dev.skerry.detect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Device Defender security profile, as {@code aws iot describe-security-profile} prints it (or
 * its behaviors array alone). Everything a device cannot evaluate by itself is refused, never skipped.
 */
public record Profile(String name, List<Behavior> behaviors) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final int MAX_DATAPOINTS = 10;
    private static final Set<String> BEHAVIOR_FIELDS = Set.of("name", "metric", "criteria", "suppressAlerts", "metricDimension",
            "exportMetric");
    private static final Set<String> CRITERIA_FIELDS = Set.of("comparisonOperator", "value", "durationSeconds", "consecutiveDatapointsToAlarm",
            "consecutiveDatapointsToClear", "statisticalThreshold", "mlDetectionConfig");

    /** The collectors the behaviours need, by name, and nothing else. */
    public Set<String> collectors() {
        Set<String> names = new LinkedHashSet<>();
        behaviors.forEach(behavior -> names.add(behavior.metric().collector()));
        return names;
    }

    /**
     * Parses the profile; {@code givenName} (SKERRY_PROFILE_NAME) wins over the document's
     * securityProfileName, and is needed when the text is a behaviors array alone.
     */
    public static Profile parse(String text, String givenName) throws ProfileException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new ProfileException("the profile is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ProfileException("the profile cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new ProfileException("the profile is empty");
        }
        JsonNode behaviors;
        String name = givenName;
        if (root.isArray()) {
            behaviors = root;
        } else if (root.isObject()) {
            behaviors = root.get("behaviors");
            if (behaviors == null || !behaviors.isArray()) {
                throw new ProfileException("the profile has no behaviors array");
            }
            JsonNode documentName = root.get("securityProfileName");
            if (name == null && documentName != null && documentName.isTextual()) {
                name = documentName.asText();
            }
        } else {
            throw new ProfileException("the profile must be a security profile object or a behaviors array");
        }
        if (name == null || name.isBlank()) {
            throw new ProfileException("the profile has no securityProfileName: set SKERRY_PROFILE_NAME");
        }
        if (behaviors.isEmpty()) {
            throw new ProfileException("the profile has no behaviors");
        }
        List<Behavior> parsed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode behavior : behaviors) {
            Behavior one = behavior(behavior, index++);
            if (!names.add(one.name())) {
                throw new ProfileException("behavior '" + one.name() + "': name: appears twice; the alarms of a behaviour are known by its name");
            }
            parsed.add(one);
        }
        return new Profile(name, List.copyOf(parsed));
    }

    private static Behavior behavior(JsonNode node, int index) throws ProfileException {
        if (!node.isObject()) {
            throw new ProfileException("behaviors[" + index + "]: not an object");
        }
        JsonNode nameNode = node.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw new ProfileException("behaviors[" + index + "]: name: missing");
        }
        String name = nameNode.asText();
        Fields fields = new Fields("behavior '" + name + "'");
        fields.unknown(node, BEHAVIOR_FIELDS, "");
        if (node.has("metricDimension")) {
            throw fields.refused("metricDimension", "dimensions (topic filters, client ids) are measured by the broker, not on the device");
        }
        String metricName = fields.text(node, "metric", "");
        if (metricName == null) {
            throw fields.refused("metric", "missing");
        }
        Metric metric = Metric.ALL.get(metricName);
        if (metric == null) {
            if (Metric.CLOUD_SIDE.contains(metricName)) {
                throw fields.refused("metric", "'" + metricName + "' is measured by AWS IoT in the cloud, not on the device");
            }
            throw fields.refused("metric", "unknown metric '" + metricName + "' (known: " + String.join(", ", Metric.ALL.keySet()) + ")");
        }
        boolean suppress = fields.bool(node, "suppressAlerts", "");
        JsonNode criteria = node.get("criteria");
        if (criteria == null || !criteria.isObject()) {
            throw fields.refused("criteria", "missing");
        }
        fields.unknown(criteria, CRITERIA_FIELDS, "criteria.");
        if (criteria.has("statisticalThreshold")) {
            throw fields.refused("criteria.statisticalThreshold", "a percentile over the fleet cannot be computed on one device");
        }
        if (criteria.has("mlDetectionConfig")) {
            throw fields.refused("criteria.mlDetectionConfig", "ML Detect's models are trained and run in the cloud");
        }
        String operatorText = fields.text(criteria, "comparisonOperator", "criteria.");
        if (operatorText == null) {
            throw fields.refused("criteria.comparisonOperator", "missing");
        }
        Operator operator = Operator.of(operatorText)
                .orElseThrow(() -> fields.refused("criteria.comparisonOperator", "unknown operator '" + operatorText + "'"));
        Value value = Values.parse(fields, metric, operator, criteria.get("value"));
        long window = 0;
        if (criteria.has("durationSeconds")) {
            long duration = fields.criteriaInteger(criteria, "durationSeconds", 1, 86_400);
            window = metric.windowed() ? duration : 0; // a gauge has no time dimension: Device Defender ignores it too (README)
        }
        int toAlarm = criteria.has("consecutiveDatapointsToAlarm") ? (int) fields.criteriaInteger(criteria, "consecutiveDatapointsToAlarm", 1, MAX_DATAPOINTS) : 1;
        int toClear = criteria.has("consecutiveDatapointsToClear") ? (int) fields.criteriaInteger(criteria, "consecutiveDatapointsToClear", 1, MAX_DATAPOINTS) : 1;
        return new Behavior(name, metric, operator, value, window, toAlarm, toClear, suppress, node);
    }

    /** Reads fields of one behaviour; every problem names the behaviour and the field. */
    static final class Fields {
        private final String behavior;

        Fields(String behavior) {
            this.behavior = behavior;
        }

        ProfileException refused(String field, String why) {
            return new ProfileException(behavior + ": " + field + ": " + why);
        }

        void unknown(JsonNode node, Set<String> known, String prefix) throws ProfileException {
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String field = names.next();
                if (!known.contains(field)) {
                    throw refused(prefix + field, "unknown field");
                }
            }
        }

        String text(JsonNode node, String field, String prefix) throws ProfileException {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw refused(prefix + field, "must be a string");
            }
            return value.asText();
        }

        boolean bool(JsonNode node, String field, String prefix) throws ProfileException {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.isBoolean()) {
                throw refused(prefix + field, "must be true or false");
            }
            return value.asBoolean();
        }

        long criteriaInteger(JsonNode criteria, String field, long min, long max) throws ProfileException {
            return integer(criteria.get(field), "criteria." + field, min, max);
        }

        long integer(JsonNode value, String field, long min, long max) throws ProfileException {
            if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
                throw refused(field, "must be a whole number from " + min + " to " + max);
            }
            long number = value.asLong();
            if (number < min || number > max) {
                throw refused(field, number + " is outside " + min + ".." + max);
            }
            return number;
        }
    }
}
