package dev.broadband.agent.sim;

import dev.broadband.agent.receiver.BlockProgress;
import dev.broadband.agent.receiver.CarouselView;
import dev.broadband.agent.receiver.RepairRequester;
import dev.broadband.agent.receiver.RepairTiming;
import dev.broadband.agent.sender.ServerConfig;
import dev.broadband.agent.sender.Carousel;
import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.wire.BlockNeed;
import dev.broadband.agent.wire.ControlMessage.SenderStatus;
import dev.broadband.agent.wire.WireCodec;
import java.util.ArrayList;
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

    /** What to simulate. {@code meanBurst} 1 is independent loss; more is bursty (Gilbert–Elliott). */
    public record Scenario(int receivers, double loss, double meanBurst, long imageBytes, long linkBps, long rttNanos,
                           boolean parity, int blockPackets, long seed) {}

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
        int completeBlocks;
        int partialBlocks;
        int peakPartial;

        Receiver(Geometry geometry, boolean parity, LossProcess loss, SplittableRandom random) {
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

        /** The block's packets in the mask (in order), then {@code parityCount} parity packets, go past. */
        void hear(int block, long mask, int parityCount) {
            if (complete.get(block)) {
                skip(Long.bitCount(mask) + parityCount);
                return;
            }
            boolean wasPartial = data[block] != 0 || parityHeld[block] > 0;
            long rest = mask;
            while (rest != 0) {
                long run = loss.next(Long.bitCount(rest));
                long bits = lowest(rest, (int) Math.abs(run));
                if (run > 0) {
                    data[block] |= bits;
                }
                rest &= ~bits;
            }
            for (int left = parityCount; left > 0; ) {
                long run = loss.next(left);
                if (run > 0) {
                    parityHeld[block] += (short) run;
                }
                left -= (int) Math.abs(run);
            }
            int have = Long.bitCount(data[block]) + (parity ? parityHeld[block] : 0);
            if (have >= geometry.packetsIn(block)) {
                complete.set(block);
                completeBlocks++;
                if (wasPartial) {
                    partialBlocks--;
                }
            } else if (!wasPartial && (data[block] != 0 || parityHeld[block] > 0)) {
                partialBlocks++;
                peakPartial = Math.max(peakPartial, partialBlocks);
            }
        }

        /** The lowest {@code n} set bits of {@code mask}; in one step when they are contiguous, as in a full block. */
        private static long lowest(long mask, int n) {
            int low = Long.numberOfTrailingZeros(mask);
            long shifted = mask >>> low;
            if ((shifted & (shifted + 1)) == 0) {
                return n >= 64 ? mask : ((1L << n) - 1) << low & mask;
            }
            long bits = 0;
            for (long rest = mask; n > 0; rest &= rest - 1, n--) {
                bits |= Long.lowestOneBit(rest);
            }
            return bits;
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
        Carousel carousel = new Carousel(geometry, s.parity(), 0);
        List<Receiver> receivers = new ArrayList<>();
        for (int i = 0; i < s.receivers(); i++) {
            receivers.add(new Receiver(geometry, s.parity(), new LossProcess(s.loss(), s.meanBurst(), random.split()),
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
                SenderStatus status = new SenderStatus(1, ++seq, carousel.pass(), carousel.frontier(), carousel.idle(),
                        receivers.size() - done, null, carousel.queuedRepairs(NEEDS_PER_PACKET));
                inFlight.add(new Feedback(now + s.rttNanos() / 2, null, status));
                nextStatus = now + (carousel.idle() ? IDLE_STATUS : STATUS);
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
            int block = carousel.next();
            if (block < 0) {
                long wake = Math.min(nextTick, nextStatus);
                if (!inFlight.isEmpty()) {
                    wake = Math.min(wake, inFlight.peek().at());
                }
                now = Math.max(now + 1, wake);
                continue;
            }
            long mask = carousel.lastMask();
            int parityCount = carousel.lastParityCount();
            int packets = Long.bitCount(mask) + parityCount;
            for (Receiver r : receivers) {
                r.hear(block, mask, parityCount);
            }
            sent += packets;
            now += packets * packetNanos;
        }
        long dataPackets = geometry.packetCount();
        long peak = receivers.stream().mapToLong(r -> r.peakPartial).max().orElse(0) * geometry.blockBytes();
        return new Report(s, now / 1e9, (double) sent / dataPackets, (double) nacks / dataPackets, sent, nacks, peak);
    }
}
