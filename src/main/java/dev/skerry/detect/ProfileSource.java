package dev.skerry.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.skerry.files.SmallFiles;

/**
 * The profile from SKERRY_PROFILE (the JSON text) or SKERRY_PROFILE_FILE (a file, read once at
 * start: a change while skerry runs is seen at the next start), named by SKERRY_PROFILE_NAME or
 * the document's securityProfileName.
 */
public final class ProfileSource {

    static final long MAX_BYTES = 1024 * 1024;

    private ProfileSource() {
    }

    /** No profile set: empty. A problem: a ProfileException whose message starts with the variable's name. */
    public static Optional<Profile> load(Map<String, String> env) throws ProfileException {
        String text = env.get("SKERRY_PROFILE");
        String file = env.get("SKERRY_PROFILE_FILE");
        String name = env.get("SKERRY_PROFILE_NAME");
        if (text != null && file != null) {
            throw new ProfileException("SKERRY_PROFILE and SKERRY_PROFILE_FILE are both set: give the profile's text or its file, not both");
        }
        String variable = text != null ? "SKERRY_PROFILE" : "SKERRY_PROFILE_FILE";
        if (file != null) {
            try {
                text = new String(SmallFiles.read(Path.of(file.strip()), MAX_BYTES), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new ProfileException("SKERRY_PROFILE_FILE (" + file.strip() + "): cannot read it: " + e.getMessage());
            }
            variable = "SKERRY_PROFILE_FILE (" + file.strip() + ")";
        }
        if (text == null) {
            if (name != null) {
                throw new ProfileException("SKERRY_PROFILE_NAME is set without SKERRY_PROFILE or SKERRY_PROFILE_FILE");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(Profile.parse(text, name == null || name.isBlank() ? null : name.strip()));
        } catch (ProfileException e) {
            throw new ProfileException(variable + ": " + e.getMessage());
        }
    }

    /** For the checks before start: the problem as one line, or empty. */
    public static Optional<String> problem(Map<String, String> env) {
        try {
            load(env);
            return Optional.empty();
        } catch (ProfileException e) {
            return Optional.of(e.getMessage());
        }
    }
}
