package dev.broadband.protocol.sim;

import dev.broadband.protocol.receiver.BlockProgress;
import dev.broadband.protocol.receiver.CarouselView;
import dev.broadband.protocol.receiver.RepairRequester;
import dev.broadband.protocol.receiver.RepairTiming;
import dev.broadband.protocol.sender.RateController;
import dev.broadband.protocol.sender.ServerConfig;
import dev.broadband.protocol.sender.Batch;
import dev.broadband.protocol.sender.Carousel;
import dev.broadband.protocol.sender.SendSchedule;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import dev.broadband.protocol.wire.WireCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs the real decision logic of a session — the sender's {@link Carousel}, each receiver's {@link CarouselView}
 * and {@link RepairRequester} — over a virtual network with a virtual clock: a link of a given rate, a round-trip
 * time for the feedback, and per-receiver loss; optionally receivers whose hosts may not keep up, and a sender that
 * paces by its real adaptive {@link RateController}. Image bytes are not moved; each receiver keeps only which packets
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
     * {@code hosts}, when not null, makes each receiver a host that may not keep up and the sender adapt its rate.
     */
    public record Scenario(int receivers, double loss, double meanBurst, long imageBytes, long linkBps, long rttNanos,
                           boolean parity, int blockPackets, int interleave, long seed, Hosts hosts) {
        public Scenario {
            if (hosts != null && meanBurst != 1) {
                throw new IllegalArgumentException("a receiver model loses independently: no bursts with hosts");
            }
        }

        /** Receivers that take everything at once, a sender at the link's rate. */
        public Scenario(int receivers, double loss, double meanBurst, long imageBytes, long linkBps, long rttNanos,
                        boolean parity, int blockPackets, int interleave, long seed) {
            this(receivers, loss, meanBurst, imageBytes, linkBps, rttNanos, parity, blockPackets, interleave, seed,
                    null);
        }

        public Scenario withHosts(Hosts hosts) {
            return new Scenario(receivers, loss, meanBurst, imageBytes, linkBps, rttNanos, parity, blockPackets,
                    interleave, seed, hosts);
        }
    }

    /**
     * Each receiver a host as {@link ReceiverModel} has it: a socket buffer of {@code bufferPackets} datagrams in front
     * of a process that takes {@code slowPerSecond} of them until {@code slowUntilNanos} (a JVM still cold), then
     * {@code perSecond}; each reports its overflow in heartbeats, and the sender paces by the adaptive
     * {@link RateController}, as the server does unless given a fixed rate.
     */
    public record Hosts(int bufferPackets, double slowPerSecond, long slowUntilNanos, double perSecond) {
        /** With the 4 MiB buffers of the machines where the issue was seen. */
        public static Hosts withDefaultBuffers(double slowPerSecond, long slowUntilNanos, double perSecond) {
            return new Hosts(ReceiverModel.DEFAULT_BUFFER_PACKETS, slowPerSecond, slowUntilNanos, perSecond);
        }

        ReceiverModel model(double wireLoss, SplittableRandom random) {
            return new ReceiverModel(bufferPackets, slowPerSecond, slowUntilNanos, perSecond, wireLoss, random);
        }
    }

    /**
     * @param transmissionRatio data and repair packets sent / data packets in the image
     * @param feedbackRatio NACK packets / data packets in the image
     * @param peakBufferBytes most partial blocks any receiver held at once, times the block size
     */
    public record Report(Scenario scenario, double seconds, double transmissionRatio, double feedbackRatio,
                         long packetsSent, long nackPackets, long peakBufferBytes) {}

    /** Something sent back or sent out that takes effect only on arrival. */
    private record Feedback(long at, Runnable arrival) implements Comparable<Feedback> {
        public int compareTo(Feedback o) {
            return Long.compare(at, o.at);
        }
    }

    /**
     * Which of the packets reaching a receiver at {@code now} it gets, in runs as {@link LossProcess#next} gives them:
     * positive for so many received, negative for so many lost.
     */
    @FunctionalInterface
    private interface Losses {
        long next(long max, long now);
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
        final Losses loss;
        final long[] lostData;
        final int[] lostParity;
        int completeBlocks;
        int partialBlocks;
        int peakPartial;

        Receiver(Geometry geometry, boolean parity, int interleave, Losses loss, SplittableRandom random) {
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
         * The batch's packets at positions {@code from} to {@code to} go past at {@code now}: {@code sentData} and
         * {@code sentParity} say, for each of its blocks, which data packets and how many parity packets they are.
         * Its losses are walked run by run and only the lost packets are looked at one by one, so a receiver
         * costs little per packet that arrives.
         */
        void hear(Batch batch, int from, int to, long[] sentData, int[] sentParity, long now) {
            boolean anyIncomplete = false;
            for (int s = 0; s < batch.size(); s++) {
                anyIncomplete |= !complete.get(batch.block(s));
                lostData[s] = 0;
                lostParity[s] = 0;
            }
            if (!anyIncomplete) {
                skip(to - from, now);
                return;
            }
            for (int p = from; p < to; ) {
                long run = loss.next(to - p, now);
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

        private void skip(long packets, long now) {
            for (long left = packets; left > 0; ) {
                left -= Math.abs(loss.next(left, now));
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

    /**
     * The way from the sender to the receivers: packets go out as the pacing lets them, and packets that go out back
     * to back reach the receivers together, at the instant the first goes out; at the link's pace alone, a chunk of
     * the schedule reaches them whole.
     */
    private static final class Wire {
        private final List<Receiver> receivers;
        private final Pacing pacing;
        private final long packetNanos;
        private final int blockPackets;
        private final long[] sentData;
        private final int[] sentParity;

        Wire(List<Receiver> receivers, Pacing pacing, long linkBps, int blockPackets, int interleave) {
            this.receivers = receivers;
            this.pacing = pacing;
            this.packetNanos = (long) Math.ceil(WIRE_BYTES * 8e9 / linkBps);
            this.blockPackets = blockPackets;
            this.sentData = new long[interleave];
            this.sentParity = new int[interleave];
        }

        /** Puts packets {@code from} to {@code to} of the batch out from {@code now}; returns when the link is free. */
        long send(Batch batch, int from, int to, long now) {
            long start = pacing.send(now);
            long free = start + packetNanos;
            int runFrom = from;
            for (int p = from + 1; p < to; p++) {
                long at = pacing.send(free);
                if (at != free) {
                    deliver(batch, runFrom, p, start);
                    runFrom = p;
                    start = at;
                }
                free = at + packetNanos;
            }
            deliver(batch, runFrom, to, start);
            return free;
        }

        private void deliver(Batch batch, int from, int to, long at) {
            Arrays.fill(sentData, 0);
            Arrays.fill(sentParity, 0);
            for (int p = from; p < to; p++) {
                int symbol = batch.symbolAt(p);
                if (symbol < blockPackets) {
                    sentData[batch.slotAt(p)] |= 1L << symbol;
                } else {
                    sentParity[batch.slotAt(p)]++;
                }
            }
            for (Receiver r : receivers) {
                r.hear(batch, from, to, sentData, sentParity, at);
            }
        }
    }

    public Report run(Scenario s) {
        Geometry geometry = new Geometry(s.imageBytes(), PAYLOAD, s.blockPackets());
        SplittableRandom random = new SplittableRandom(s.seed());
        Carousel carousel = new Carousel(geometry, s.parity(), 0, s.interleave());
        List<Receiver> receivers = new ArrayList<>();
        List<ReceiverModel> hosts = new ArrayList<>();
        for (int i = 0; i < s.receivers(); i++) {
            receivers.add(new Receiver(geometry, s.parity(), s.interleave(), losses(s, random.split(), hosts),
                    random.split()));
            carousel.needEverything();
        }
        List<Heartbeats> heartbeats = Heartbeats.of(hosts);
        // Without hosts nobody reports to the rate, and the link alone paces.
        RateController rate = RateController.adaptive(ServerConfig.ADAPTIVE_START_BPS,
                ServerConfig.ADAPTIVE_CEILING_BPS, 0);
        Pacing pacing = s.hosts() == null ? Pacing.LINK : Pacing.by(rate, WIRE_BYTES);
        Wire wire = new Wire(receivers, pacing, s.linkBps(), geometry.blockPackets(), s.interleave());
        PriorityQueue<Feedback> inFlight = new PriorityQueue<>();
        long now = 0;
        long nextStatus = 0;
        long nextTick = 0;
        int seq = 0;
        long sent = 0;
        long nacks = 0;
        int done = 0;
        SendSchedule schedule = new SendSchedule(carousel, geometry.blockPackets());
        while (done < receivers.size()) {
            while (!inFlight.isEmpty() && inFlight.peek().at() <= now) {
                inFlight.poll().arrival().run();
            }
            if (now >= nextStatus) {
                boolean idle = schedule.idle();
                SenderStatus status = new SenderStatus(1, ++seq, carousel.pass(), carousel.frontier(), idle,
                        receivers.size() - done, null, carousel.queuedRepairs(NEEDS_PER_PACKET));
                inFlight.add(new Feedback(now + s.rttNanos() / 2,
                        () -> receivers.forEach(r -> r.view.onStatus(status))));
                nextStatus = now + (idle ? IDLE_STATUS : STATUS);
            }
            for (int i = 0; i < heartbeats.size(); i++) {
                Heartbeats.Report beat = heartbeats.get(i).poll(now);
                // A receiver that is done has left the session.
                if (beat != null && !receivers.get(i).done()) {
                    long at = now + s.rttNanos() / 2;
                    long receiver = i;
                    inFlight.add(new Feedback(at,
                            () -> rate.onReceiverReport(receiver, beat.newOverflowDrops(), beat.lossPermille(), at)));
                }
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
                        List<BlockNeed> packet = needs.subList(i, Math.min(needs.size(), i + NEEDS_PER_PACKET));
                        inFlight.add(new Feedback(now + s.rttNanos() / 2,
                                () -> packet.forEach(need -> carousel.requestRepair(need.block(), need.mask()))));
                    }
                }
                nextTick = now + REPAIR.tickNanos();
                if (done == receivers.size()) {
                    break;
                }
            }
            if (!schedule.next()) {
                pacing.idle();
                long wake = Math.min(nextTick, nextStatus);
                if (!inFlight.isEmpty()) {
                    wake = Math.min(wake, inFlight.peek().at());
                }
                now = Math.max(now + 1, wake);
                continue;
            }
            int count = schedule.to() - schedule.from();
            now = wire.send(schedule.batch(), schedule.from(), schedule.to(), now);
            schedule.sent(count);
            sent += count;
            pacing.sent(now);
        }
        long dataPackets = geometry.packetCount();
        long peak = receivers.stream().mapToLong(r -> r.peakPartial).max().orElse(0) * geometry.blockBytes();
        return new Report(s, now / 1e9, (double) sent / dataPackets, (double) nacks / dataPackets, sent, nacks, peak);
    }

    /**
     * Without hosts, the loss process decides a receiver's loss on the wire. With them, the receiver model alone
     * decides, on the wire and for want of buffer, datagram by datagram, rather than the loss process for the wire and
     * the model for the buffer: a heartbeat's loss then counts both, as a client's count of sequence gaps does, and
     * the repair logic loses exactly the datagrams the rate control hears of. The model's wire loss is independent
     * only, hence no bursts with hosts. The model goes to {@code hosts}, for its heartbeats.
     */
    private static Losses losses(Scenario s, SplittableRandom random, List<ReceiverModel> hosts) {
        if (s.hosts() == null) {
            LossProcess process = new LossProcess(s.loss(), s.meanBurst(), random);
            return (max, now) -> process.next(max);
        }
        ReceiverModel host = s.hosts().model(s.loss(), random);
        hosts.add(host);
        return (max, now) -> host.arrive(1, now) == 1 ? 1 : -1;
    }
}
