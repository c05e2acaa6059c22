package dev.skerry.detect;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.files.SmallFiles;

/**
 * The alarms in force, in {@code <state dir>/alarms.json}, so that a restart neither raises an
 * alarm again nor forgets to clear one. Written only when an alarm is raised or cleared, as a temp
 * file renamed over the old one: a crash leaves the old state or the new one, never half of it.
 */
final class AlarmState {

    private static final DetectMessages LOG = DetectMessages.of(AlarmState.class);
    static final String FILE = "alarms.json";
    static final long MAX_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private Map<String, Evaluator.Alarm> written;

    AlarmState(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    /** The alarms of this profile that a previous run left in force; an unreadable file counts as none, with a warning. */
    Map<String, Evaluator.Alarm> load(String profile) {
        Map<String, Evaluator.Alarm> alarms = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(SmallFiles.read(file, MAX_BYTES));
            JsonNode saved = root.path("alarms");
            if (!root.path("securityProfileName").asText().equals(profile)) {
                if (saved.size() > 0) {
                    LOG.otherProfilesAlarms(file, root.path("securityProfileName").asText(), profile);
                }
            } else {
                for (var entries = saved.fields(); entries.hasNext();) {
                    var entry = entries.next();
                    String id = entry.getValue().path("violationId").asText("");
                    if (!id.isEmpty()) {
                        alarms.put(entry.getKey(), new Evaluator.Alarm(id, entry.getValue().path("since").asLong()));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // no alarm was ever raised here
        } catch (IOException | RuntimeException e) {
            LOG.stateUnreadable(file, e.getMessage());
        }
        written = Map.copyOf(alarms);
        return alarms;
    }

    /** Writes the alarms when they differ from what the file holds. */
    void save(String profile, Map<String, Evaluator.Alarm> alarms) {
        if (alarms.equals(written)) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("securityProfileName", profile);
        ObjectNode saved = root.putObject("alarms");
        alarms.forEach((behavior, alarm) -> saved.putObject(behavior).put("violationId", alarm.violationId()).put("since", alarm.sinceMillis()));
        try {
            SmallFiles.replace(file, root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            written = Map.copyOf(alarms);
        } catch (IOException e) {
            LOG.stateNotWritten(file, e.getMessage());
        }
    }
}
