package dev.skerry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file read the way systemd reads it (systemd.syntax(7)): sections, {@code Key=value} assignments in
 * order, an empty assignment resetting a list, comments and backslash continuations; plus what systemd does with
 * {@code Environment=} (quoting, specifiers).
 */
public final class SystemdUnit {

    private final Map<String, List<String>> assignments = new LinkedHashMap<>();

    private SystemdUnit() {
    }

    public static SystemdUnit read(Path file) throws IOException {
        SystemdUnit unit = new SystemdUnit();
        String section = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            line = pending.append(line).toString();
            pending.setLength(0);
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int equals = line.indexOf('=');
            if (section == null || equals < 1) {
                throw new IllegalArgumentException(file + ": not an assignment in a section: " + raw);
            }
            String key = section + "." + line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            List<String> values = unit.assignments.computeIfAbsent(key, k -> new ArrayList<>());
            if (value.isEmpty()) {
                values.clear();
            } else {
                values.add(value);
            }
        }
        return unit;
    }

    /** Every value assigned to {@code Section.Key}, in order, after the last empty assignment. */
    public List<String> all(String sectionAndKey) {
        return List.copyOf(assignments.getOrDefault(sectionAndKey, List.of()));
    }

    /** Whether {@code Section.Key} is assigned at all, even if only emptied (as {@code CapabilityBoundingSet=}). */
    public boolean isAssigned(String sectionAndKey) {
        return assignments.containsKey(sectionAndKey);
    }

    /** The value in effect: the last one assigned, or null. */
    public String get(String sectionAndKey) {
        List<String> values = assignments.get(sectionAndKey);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /**
     * The variables of every {@code Environment=} line: space-separated {@code NAME=value} words, double quotes
     * keeping spaces, specifiers ({@code %d}, ...) replaced from {@code specifiers}; an unknown specifier fails.
     */
    public Map<String, String> environment(Map<Character, String> specifiers) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : all("Service.Environment")) {
            for (String word : words(line)) {
                String expanded = expand(word, specifiers);
                int equals = expanded.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("Environment=: not NAME=value: " + word);
                }
                env.put(expanded.substring(0, equals), expanded.substring(equals + 1));
            }
        }
        return env;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static String expand(String text, Map<Character, String> specifiers) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char specifier = i + 1 < text.length() ? text.charAt(++i) : ' ';
            if (specifier == '%') {
                out.append('%');
            } else if (specifiers.containsKey(specifier)) {
                out.append(specifiers.get(specifier));
            } else {
                throw new IllegalArgumentException("specifier %" + specifier + " in '" + text + "' is not emulated");
            }
        }
        return out.toString();
    }
}
