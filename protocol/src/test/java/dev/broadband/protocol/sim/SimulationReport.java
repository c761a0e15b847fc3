package dev.broadband.protocol.sim;

import dev.broadband.protocol.sender.ServerConfig;
import java.util.Locale;

/**
 * Prints the simulator's figures next to the formulas (bench/simulate.sh runs it): N = 10, 100, 1000 receivers at
 * 0.1, 1 and 5 % independent loss, bursty loss, the original tool's own scenario of 100 GB to 100 machines, and
 * receivers slow at start-up against the sender's adaptive rate.
 */
public final class SimulationReport {
    private static final long MIB = 1 << 20;
    private static final long MS = 1_000_000L;
    private static final long GBIT = 1_000_000_000L;
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
        slowStart(sim);
    }

    /** What the issue saw on 2-core machines: cold receivers overflow their 4 MiB buffers for the first 1.5 s. */
    private static void slowStart(ProtocolSimulator sim) {
        long image = 256 * MIB;
        System.out.println();
        System.out.printf(Locale.ROOT, "Receivers slow at start-up (cold JVMs): image %d MiB, 1 %% loss, 1 Gbit/s link,"
                + " receivers take 15k datagrams/s for the first 1.5 s, then 200k/s; buffers of 4 MiB; adaptive rate."
                + " Ideal (image / link): %.2f s%n", image / MIB, image * 8.0 / GBIT);
        System.out.println("| N | receivers | sim. seconds | transmission ratio | wall s |");
        System.out.println("| ---: | --- | ---: | ---: | ---: |");
        for (int n : new int[] {10, 100}) {
            ProtocolSimulator.Scenario lossy = new ProtocolSimulator.Scenario(n, 0.01, 1, image, GBIT, MS, true, 64,
                    INTERLEAVE, 7854);
            slowStartRow(sim, lossy.withHosts(ProtocolSimulator.Hosts.withDefaultBuffers(15_000, 1500 * MS, 200_000)),
                    "cold for 1.5 s");
            slowStartRow(sim, lossy.withHosts(ProtocolSimulator.Hosts.withDefaultBuffers(200_000, 0, 200_000)),
                    "warm from the start");
        }
    }

    private static void slowStartRow(ProtocolSimulator sim, ProtocolSimulator.Scenario s, String receivers) {
        long start = System.nanoTime();
        ProtocolSimulator.Report r = sim.run(s);
        System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.4f | %.1f |%n", s.receivers(), receivers, r.seconds(),
                r.transmissionRatio(), (System.nanoTime() - start) / 1e9);
    }

    private static void row(ProtocolSimulator sim, ProtocolSimulator.Scenario s, double formula) {
        long start = System.nanoTime();
        ProtocolSimulator.Report r = sim.run(s);
        System.out.printf(Locale.ROOT, "| %d | %.1f %% | %s | %.4f | %.4f | %.5f | %.2f | %.1f MiB | %.1f |%n", s.receivers(),
                s.loss() * 100, s.parity() ? "parity" : "selective", r.transmissionRatio(), formula, r.feedbackRatio(),
                r.seconds(), r.peakBufferBytes() / (double) MIB, (System.nanoTime() - start) / 1e9);
    }
}
