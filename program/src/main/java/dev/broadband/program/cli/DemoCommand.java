package dev.broadband.program.cli;

import dev.broadband.program.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a server and several clients on this machine over loopback multicast, with injected loss,",
                "on a generated image, and prints whether every client got it intact. No root, no set-up."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--clients", paramLabel = "N", defaultValue = "5", description = "Clients to run (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64m", converter = Converters.Size.class,
            description = "Size of the generated image (default ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--loss", paramLabel = "PERCENT", defaultValue = "2", description = "Share of packets each client loses on purpose (default ${DEFAULT-VALUE}%%).")
    double lossPercent;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7854", description = "Seed of the image and the losses (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-fec", description = "Repair by resending lost packets instead of parity.")
    boolean noFec;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || lossPercent < 0 || lossPercent >= 100) {
            throw new IllegalArgumentException("need --clients >= 1 and 0 <= --loss < 100");
        }
        // The server's progress tells the story; a line per client per event would drown it.
        // (slf4j-simple reads a logger's level when the logger is made: this runs before any client exists.)
        System.setProperty("org.slf4j.simpleLogger.log.broadband.client", "warn");
        Demo.Result result = new Demo(clients, size, lossPercent / 100, seed, !noFec, System.out).run();
        return result.allIntact() ? 0 : 1;
    }
}
