package dev.broadband.agent.sim;

import dev.broadband.agent.receiver.BlockProgress;
import dev.broadband.agent.receiver.CarouselView;
import dev.broadband.agent.receiver.RepairRequester;
import dev.broadband.agent.receiver.RepairTiming;
import dev.broadband.agent.sender.ServerConfig;
import dev.broadband.agent.sender.Batch;
import dev.broadband.agent.sender.Carousel;
import dev.broadband.agent.sender.SendSchedule;
import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.wire.BlockNeed;
import dev.broadband.agent.wire.ControlMessage.SenderStatus;
import dev.broadband.agent.wire.WireCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs the real decision logic of a session — the sender's {@link Carousel}, each receiver's {@link CarouselView}
 * and {@link RepairRequester} — over a virtual network with a virtual clock: a link of a given rate, a round-trip
 * time for the feedback, and per-receiver loss. Image bytes are not moved; each receiver keeps only which packets
 * of each block it holds. Deterministic for a seed.
 */
public final class ProtocolSimulator {
    private static final int PAYLOAD = 1448;
    private static final int WIRE_BYTES = PAYLOAD + WireCodec.DATA_HEADER + 42;
    private static final RepairTiming REPAIR = RepairTiming.DEFAULT;
    private static final long STATUS = ServerConfig.STATUS_INTERVAL.toNanos();
    private static final long IDLE_STATUS = ServerConfig.IDLE_STATUS_INTERVAL.toNanos();
    private static final int NEEDS_PER_PACKET = WireCodec.MAX_NEEDS_PER_PACKET;

    /**
     * What to simulate. {@code meanBurst} 1 is independent loss; more is bursty (Gilbert–Elliott). {@code interleave}
     * is how many blocks of a pass go out interleaved, as the sender's {@link ServerConfig#INTERLEAVE_BLOCKS}.
     */
    public record Scenario(int receivers, double loss, double meanBurst, long imageBytes, long linkBps, long rttNanos,
                           boolean parity, int blockPackets, int interleave, long seed) {}

    /**
     * @param transmissionRatio data and repair packets sent / data packets in the image
     * @param feedbackRatio NACK packets / data packets in the image
     * @param peakBufferBytes most partial blocks any receiver held at once, times the block size
     */
    public record Report(Scenario scenario, double seconds, double transmissionRatio, double feedbackRatio,
                         long packetsSent, long nackPackets, long peakBufferBytes) {}

    private record Feedback(long at, List<BlockNeed> needs, SenderStatus status) implements Comparable<Feedback> {
        public int compareTo(Feedback o) {
            return Long.compare(at, o.at);
        }
    }

    /** One receiver: which packets of which block it holds, and its real repair logic. */
    private static final class Receiver implements BlockProgress {
        final Geometry geometry;
        final boolean parity;
        final long[] data;
        final short[] parityHeld;
        final BitSet complete = new BitSet();
        final CarouselView view;
        final RepairRequester requester;
        final LossProcess loss;
        final long[] lostData;
        final int[] lostParity;
        int completeBlocks;
        int partialBlocks;
        int peakPartial;

        Receiver(Geometry geometry, boolean parity, int interleave, LossProcess loss, SplittableRandom random) {
            this.lostData = new long[interleave];
            this.lostParity = new int[interleave];
            this.geometry = geometry;
            this.parity = parity;
            this.data = new long[geometry.blockCount()];
            this.parityHeld = new short[geometry.blockCount()];
            this.view = new CarouselView(geometry.blockCount(), 1, parity);
            this.requester = new RepairRequester(geometry.blockCount(), REPAIR, random);
            this.loss = loss;
        }

        boolean done() {
            return completeBlocks == data.length;
        }

        /**
         * The batch's packets at positions {@code from} to {@code to} go past: {@code sentData} and
         * {@code sentParity} say, for each of its blocks, which data packets and how many parity packets they are.
         * The loss process is walked run by run and only the lost packets are looked at one by one, so a receiver
         * costs little per packet that arrives.
         */
        void hear(Batch batch, int from, int to, long[] sentData, int[] sentParity) {
            boolean anyIncomplete = false;
            for (int s = 0; s < batch.size(); s++) {
                anyIncomplete |= !complete.get(batch.block(s));
                lostData[s] = 0;
                lostParity[s] = 0;
            }
            if (!anyIncomplete) {
                skip(to - from);
                return;
            }
            for (int p = from; p < to; ) {
                long run = loss.next(to - p);
                if (run > 0) {
                    p += (int) run;
                    continue;
                }
                for (long end = p - run; p < end; p++) {
                    int slot = batch.slotAt(p);
                    int symbol = batch.symbolAt(p);
                    if (symbol < geometry.blockPackets()) {
                        lostData[slot] |= 1L << symbol;
                    } else {
                        lostParity[slot]++;
                    }
                }
            }
            for (int s = 0; s < batch.size(); s++) {
                receive(batch.block(s), sentData[s] & ~lostData[s], sentParity[s] - lostParity[s]);
            }
        }

        private void receive(int block, long dataBits, int parityPackets) {
            if (complete.get(block) || (dataBits == 0 && parityPackets == 0)) {
                return;
            }
            boolean wasPartial = data[block] != 0 || parityHeld[block] > 0;
            data[block] |= dataBits;
            parityHeld[block] += (short) parityPackets;
            int have = Long.bitCount(data[block]) + (parity ? parityHeld[block] : 0);
            if (have >= geometry.packetsIn(block)) {
                complete.set(block);
                completeBlocks++;
                if (wasPartial) {
                    partialBlocks--;
                }
            } else if (!wasPartial) {
                partialBlocks++;
                peakPartial = Math.max(peakPartial, partialBlocks);
            }
        }

        private void skip(long packets) {
            for (long left = packets; left > 0; ) {
                left -= Math.abs(loss.next(left));
            }
        }

        @Override
        public int nextIncomplete(int from) {
            return Math.min(complete.nextClearBit(from), data.length);
        }

        @Override
        public long missing(int block) {
            long lacking = geometry.fullMask(block) & ~data[block];
            if (!parity || lacking == 0) {
                return lacking;
            }
            return BlockProgress.stillNeeded(lacking, parityHeld[block]);
        }
    }

    public Report run(Scenario s) {
        Geometry geometry = new Geometry(s.imageBytes(), PAYLOAD, s.blockPackets());
        SplittableRandom random = new SplittableRandom(s.seed());
        Carousel carousel = new Carousel(geometry, s.parity(), 0, s.interleave());
        List<Receiver> receivers = new ArrayList<>();
        for (int i = 0; i < s.receivers(); i++) {
            receivers.add(new Receiver(geometry, s.parity(), s.interleave(), new LossProcess(s.loss(), s.meanBurst(), random.split()),
                    random.split()));
            carousel.needEverything();
        }
        long packetNanos = (long) Math.ceil(WIRE_BYTES * 8e9 / s.linkBps());
        PriorityQueue<Feedback> inFlight = new PriorityQueue<>();
        long now = 0;
        long nextStatus = 0;
        long nextTick = 0;
        int seq = 0;
        long sent = 0;
        long nacks = 0;
        int done = 0;
        SendSchedule schedule = new SendSchedule(carousel, geometry.blockPackets());
        long[] sentData = new long[s.interleave()];
        int[] sentParity = new int[s.interleave()];
        while (done < receivers.size()) {
            while (!inFlight.isEmpty() && inFlight.peek().at() <= now) {
                Feedback f = inFlight.poll();
                if (f.status() != null) {
                    for (Receiver r : receivers) {
                        r.view.onStatus(f.status());
                    }
                } else {
                    for (BlockNeed need : f.needs()) {
                        carousel.requestRepair(need.block(), need.mask());
                    }
                }
            }
            if (now >= nextStatus) {
                boolean idle = schedule.idle();
                SenderStatus status = new SenderStatus(1, ++seq, carousel.pass(), carousel.frontier(), idle,
                        receivers.size() - done, null, carousel.queuedRepairs(NEEDS_PER_PACKET));
                inFlight.add(new Feedback(now + s.rttNanos() / 2, null, status));
                nextStatus = now + (idle ? IDLE_STATUS : STATUS);
            }
            if (now >= nextTick) {
                done = 0;
                for (Receiver r : receivers) {
                    if (r.done()) {
                        done++;
                        continue;
                    }
                    List<BlockNeed> needs = r.requester.due(now, r.view, r, NEEDS_PER_PACKET * 4);
                    for (int i = 0; i < needs.size(); i += NEEDS_PER_PACKET) {
                        nacks++;
                        inFlight.add(new Feedback(now + s.rttNanos() / 2,
                                needs.subList(i, Math.min(needs.size(), i + NEEDS_PER_PACKET)), null));
                    }
                }
                nextTick = now + REPAIR.tickNanos();
                if (done == receivers.size()) {
                    break;
                }
            }
            if (!schedule.next()) {
                long wake = Math.min(nextTick, nextStatus);
                if (!inFlight.isEmpty()) {
                    wake = Math.min(wake, inFlight.peek().at());
                }
                now = Math.max(now + 1, wake);
                continue;
            }
            Batch batch = schedule.batch();
            int from = schedule.from();
            int to = schedule.to();
            Arrays.fill(sentData, 0);
            Arrays.fill(sentParity, 0);
            for (int p = from; p < to; p++) {
                int symbol = batch.symbolAt(p);
                if (symbol < geometry.blockPackets()) {
                    sentData[batch.slotAt(p)] |= 1L << symbol;
                } else {
                    sentParity[batch.slotAt(p)]++;
                }
            }
            for (Receiver r : receivers) {
                r.hear(batch, from, to, sentData, sentParity);
            }
            schedule.sent(to - from);
            sent += to - from;
            now += (to - from) * packetNanos;
        }
        long dataPackets = geometry.packetCount();
        long peak = receivers.stream().mapToLong(r -> r.peakPartial).max().orElse(0) * geometry.blockBytes();
        return new Report(s, now / 1e9, (double) sent / dataPackets, (double) nacks / dataPackets, sent, nacks, peak);
    }
}
