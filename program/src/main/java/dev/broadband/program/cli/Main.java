package dev.broadband.program.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code broadband}: one-to-many delivery of disk images over UDP broadcast or multicast. */
@Command(name = "broadband", mixinStandardHelpOptions = true, version = "broadband 0.1.0",
        description = "Sends a disk image to many machines at once over UDP broadcast or multicast, with repair.",
        subcommands = {ServerCommand.class, ClientCommand.class, DemoCommand.class, AgentCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; errors become one line on stderr and a non-zero exit code. */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new Main());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("broadband " + cmd.getCommandName() + ": " + message);
            return 1;
        });
        return line.execute(args);
    }
}
