package dev.skerry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** systemd's system call groups (@system-service, ...), as `systemd-analyze syscall-filter` lists them. */
public final class SyscallGroups {

    private final Map<String, List<String>> members;

    private SyscallGroups(Map<String, List<String>> members) {
        this.members = members;
    }

    public static SyscallGroups read() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("systemd-analyze", "syscall-filter").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("systemd-analyze syscall-filter failed");
        }
        Map<String, List<String>> members = new HashMap<>();
        String group = null;
        for (String line : listing.split("\n")) {
            String item = line.strip();
            if (item.isEmpty()) {
                group = null;
            } else if (line.startsWith("@")) {
                group = item;
                members.put(group, new ArrayList<>());
            } else if (group != null && !item.startsWith("#")) {
                members.get(group).add(item);
            }
        }
        return new SyscallGroups(members);
    }

    /**
     * The calls an allow-list SystemCallFilter= permits: its first assignment lists what is allowed, a later one
     * starting with '~' removes; names and groups (expanded recursively) both count.
     */
    public Set<String> allowedBy(List<String> filterAssignments) {
        if (filterAssignments.isEmpty() || filterAssignments.get(0).startsWith("~")) {
            throw new IllegalArgumentException("not an allow list: " + filterAssignments);
        }
        Set<String> allowed = new HashSet<>();
        for (String assignment : filterAssignments) {
            boolean deny = assignment.startsWith("~");
            for (String item : assignment.substring(deny ? 1 : 0).trim().split("\\s+")) {
                Set<String> calls = expand(item);
                if (deny) {
                    allowed.removeAll(calls);
                } else {
                    allowed.addAll(calls);
                }
            }
        }
        return allowed;
    }

    private Set<String> expand(String item) {
        if (!item.startsWith("@")) {
            return Set.of(item);
        }
        List<String> listed = members.get(item);
        if (listed == null) {
            throw new IllegalArgumentException("unknown system call group " + item);
        }
        Set<String> calls = new HashSet<>();
        for (String member : listed) {
            calls.addAll(expand(member));
        }
        return calls;
    }
}
