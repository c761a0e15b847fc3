package dev.broadband.protocol.fec.bench;

import dev.broadband.protocol.fec.CodingBlock;
import dev.broadband.protocol.fec.ReedSolomon;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One parity packet per operation, of a block read into planes once, as the sender does: bytes/s of data = ops/s * k * len. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EncodeBenchmark {
    @Param({"64", "128"})
    int k;

    @Param({"1448", "8948"})
    int len;

    private ReedSolomon code;
    private CodingBlock block;
    private byte[] parity;
    private int parityIndex;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        code = new ReedSolomon(k);
        block = new CodingBlock(k, len);
        byte[] packet = new byte[len];
        for (int i = 0; i < k; i++) {
            random.nextBytes(packet);
            block.load(i, packet, 0, len);
        }
        parity = new byte[len];
    }

    @Benchmark
    public byte[] encodeParity() {
        code.encodeParity(block, parityIndex, parity);
        parityIndex = (parityIndex + 1) % code.maxParity();
        return parity;
    }
}
