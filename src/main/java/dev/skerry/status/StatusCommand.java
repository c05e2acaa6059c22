package dev.skerry.status;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.skerry.config.StateDirectory;

/**
 * {@code skerry status} (human lines) and {@code skerry status --json} (the status file's fields, for scripts): what
 * the agent last wrote into status.json in its state directory. Starts no agent and opens no port. Exit 0 with a
 * status, 1 with one line on stderr when there is none.
 */
public final class StatusCommand {

    private StatusCommand() {
    }

    public static int run(Map<String, String> env, boolean json, PrintStream out, PrintStream err) {
        Path stateDir = StateDirectory.resolve(env);
        Optional<DeliveryStatus> status = StatusFile.read(stateDir);
        if (status.isEmpty()) {
            err.println("skerry: no status in " + stateDir.resolve(StatusFile.FILE)
                    + ": the agent has not published from this state directory (stdout mode writes none; set SKERRY_STATE_DIR as the agent has it)");
            return 1;
        }
        if (json) {
            out.println(new String(status.get().toJson(), StandardCharsets.UTF_8));
        } else {
            out.print(status.get().describe());
        }
        return 0;
    }
}
