package dev.broadband.protocol.fec.bench;

import dev.broadband.protocol.fec.ErasureDecoder;
import dev.broadband.protocol.fec.ReedSolomon;
import java.util.Arrays;
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

/**
 * One block with {@code losses} missing data packets rebuilt per operation, matrix inversion
 * included: bytes/s of data = ops/s * losses * k * len, since each rebuilt packet combines k.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {
    @Param({"64", "128"})
    int k;

    @Param({"1448", "8948"})
    int len;

    @Param({"1", "16"})
    int losses;

    private ErasureDecoder decoder;
    private byte[][] data;
    private boolean[] present;
    private byte[][] parity;
    private int[] parityIndices;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        ReedSolomon code = new ReedSolomon(k);
        decoder = new ErasureDecoder(code);
        data = new byte[k][len];
        for (byte[] packet : data) {
            random.nextBytes(packet);
        }
        present = new boolean[k];
        Arrays.fill(present, true);
        parity = new byte[losses][len];
        parityIndices = new int[losses];
        for (int s = 0; s < losses; s++) {
            present[s * (k / losses)] = false;
            parityIndices[s] = s * 7;
            code.encodeParity(data, len, parityIndices[s], parity[s]);
        }
    }

    @Benchmark
    public byte[][] decodeBlock() {
        decoder.decode(data, present, parity, parityIndices, losses, len);
        return data;
    }
}
