package dev.skerry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import dev.skerry.config.EnvironmentCheck;
import dev.skerry.guard.WeakTransportSettings;
import dev.skerry.pipeline.HealthCheck;
import dev.skerry.status.StatusCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Checks the environment before Quarkus reads it: a bad SKERRY_* value ends the process here
 * with exit code 78 and one line, not with a configuration stack trace. The arguments {@code health},
 * {@code status [--json]}, {@code --version} and {@code --help} run without starting Quarkus; any other argument is refused (exit 64).
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length > 0) {
            System.exit(command(args));
        }
        Optional<String> problem = EnvironmentCheck.firstProblem(System.getenv());
        if (problem.isPresent()) {
            System.err.println("skerry: " + problem.get());
            System.exit(EnvironmentCheck.EX_CONFIG);
        }
        String weakening = WeakTransportSettings.findEarly(System.getenv(), System.getProperties(), Path.of(""));
        if (weakening != null) {
            System.err.println("skerry: " + weakening);
            System.exit(EnvironmentCheck.EX_CONFIG);
        }
        for (String unknown : EnvironmentCheck.unknownVariables(System.getenv())) {
            System.err.println("skerry: warning: " + EnvironmentCheck.warning(unknown));
        }
        // Vert.x's own DNS resolver keeps a bound, unconnected UDP socket open: an inbound channel.
        // The JDK's resolver opens one per look-up and closes it.
        System.setProperty("vertx.disableDnsResolver", "true");
        // Nothing is served from the class path: no cache directory in /tmp, so a read-only root needs no writable /tmp.
        System.setProperty("vertx.disableFileCPResolving", "true");
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtExceptions());
        Quarkus.run(Skerry.class, args);
    }

    /** The commands besides the agent itself; an argument skerry does not know never starts the agent. */
    private static int command(String... args) {
        String command = args.length == 1 ? args[0] : String.join(" ", args);
        switch (command) {
            case "health":
                return HealthCheck.run(System.getenv(), Clock.systemUTC(), System.out, System.err);
            case "status":
                return StatusCommand.run(System.getenv(), false, System.out, System.err);
            case "status --json":
                return StatusCommand.run(System.getenv(), true, System.out, System.err);
            case "--version":
            case "version":
                System.out.println("skerry " + Version.get());
                return 0;
            case "--help":
            case "-h":
            case "help":
                System.out.print(Usage.text());
                return 0;
            default:
                System.err.println("skerry: unknown command '" + command + "': see skerry --help");
                return Usage.EX_USAGE;
        }
    }
}
