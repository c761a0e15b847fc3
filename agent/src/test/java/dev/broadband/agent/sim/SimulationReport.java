package dev.broadband.agent.sim;

import dev.broadband.agent.sender.ServerConfig;
import java.util.Locale;

/**
 * Prints the simulator's figures next to the formulas (bench/simulate.sh runs it): N = 10, 100, 1000 receivers at
 * 0.1, 1 and 5 % independent loss, bursty loss, and the original tool's own scenario of 100 GB to 100 machines.
 */
public final class SimulationReport {
    private static final long MIB = 1 << 20;
    private static final long MS = 1_000_000L;
    private static final int INTERLEAVE = ServerConfig.INTERLEAVE_BLOCKS;

    public static void main(String[] args) {
        long image = args.length > 0 ? Long.parseLong(args[0]) * MIB : 1024 * MIB;
        ProtocolSimulator sim = new ProtocolSimulator();
        System.out.printf(Locale.ROOT, "image %d MiB, 10 Gbit/s link, RTT 1 ms, blocks of 64 packets of 1448 bytes%n%n", image / MIB);
        System.out.println("| N | loss | repair | transmission ratio | formula | feedback / data packet | sim. seconds | peak buffer / receiver | wall s |");
        System.out.println("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int n : new int[] {10, 100, 1000}) {
            for (double p : new double[] {0.001, 0.01, 0.05}) {
                for (boolean parity : new boolean[] {true, false}) {
                    row(sim, new ProtocolSimulator.Scenario(n, p, 1, image, 10_000_000_000L, MS, parity, 64, INTERLEAVE, 7854),
                            parity ? RepairFormulas.parity(n, p, 64) : RepairFormulas.selective(n, p));
                }
            }
        }
        System.out.println();
        System.out.println("Bursty loss (Gilbert-Elliott, mean burst 8 packets), N = 100, 1 %, blocks sent whole, then"
                + " interleaved " + INTERLEAVE + " at a time as the sender does:");
        for (int interleave : new int[] {1, INTERLEAVE}) {
            row(sim, new ProtocolSimulator.Scenario(100, 0.01, 8, image, 10_000_000_000L, MS, true, 64, interleave, 7854),
                    Double.NaN);
        }
        System.out.println();
        System.out.println("The original tool's scenario: 100 GB to 100 machines over 10 GbE at 1 % loss:");
        row(sim, new ProtocolSimulator.Scenario(100, 0.01, 1, 100_000_000_000L, 10_000_000_000L, MS, true, 64, INTERLEAVE,
                        7854),
                RepairFormulas.parity(100, 0.01, 64));
    }

    private static void row(ProtocolSimulator sim, ProtocolSimulator.Scenario s, double formula) {
        long start = System.nanoTime();
        ProtocolSimulator.Report r = sim.run(s);
        System.out.printf(Locale.ROOT, "| %d | %.1f %% | %s | %.4f | %.4f | %.5f | %.2f | %.1f MiB | %.1f |%n", s.receivers(),
                s.loss() * 100, s.parity() ? "parity" : "selective", r.transmissionRatio(), formula, r.feedbackRatio(),
                r.seconds(), r.peakBufferBytes() / (double) MIB, (System.nanoTime() - start) / 1e9);
    }
}
