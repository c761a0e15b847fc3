package dev.broadband.protocol.receiver;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.SessionInfo;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.DecodingSink;
import dev.broadband.protocol.sink.Sink;
import dev.broadband.protocol.sink.Survey;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.ClientPhase;
import dev.broadband.protocol.wire.ControlMessage;
import dev.broadband.protocol.wire.ControlMessage.Abort;
import dev.broadband.protocol.wire.ControlMessage.Done;
import dev.broadband.protocol.wire.ControlMessage.DoneAck;
import dev.broadband.protocol.wire.ControlMessage.Heartbeat;
import dev.broadband.protocol.wire.ControlMessage.Join;
import dev.broadband.protocol.wire.ControlMessage.Nack;
import dev.broadband.protocol.wire.ControlMessage.Reject;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import dev.broadband.protocol.wire.ControlMessage.Want;
import dev.broadband.protocol.wire.ControlMessage.WantAck;
import dev.broadband.protocol.wire.ControlMessage.Welcome;
import dev.broadband.protocol.wire.MalformedPacketException;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one session on one thread: joins the server, gathers blocks from the broadcast, asks for what it lost,
 * verifies what it wrote, and tells the server the outcome. Success is reported only for data that was verified.
 */
public final class Client {
    private static final long MS = 1_000_000L;
    /**
     * Kept short: a client started before its server is in the session within moments of it coming up, and the
     * session starts when the last expected client is in. After a while of waiting, once a second is enough.
     */
    private static final long JOIN_INTERVAL = 100 * MS;
    private static final long PATIENT_JOIN_INTERVAL = 1000 * MS;
    private static final long PATIENCE = 120_000 * MS;
    private static final long WAIT_LOG_INTERVAL = 5000 * MS;
    private static final RepairTiming REPAIR = RepairTiming.DEFAULT;
    private static final long DONE_RETRY = 200 * MS;
    private static final long DONE_PATIENCE = 5000 * MS;
    private static final int NACK_PACKETS_PER_TICK = 4;
    private static final int DATA_BURST = 256;
    private static final int BAD_ANSWERS_TO_GIVE_UP = 3;

    private final Logger log;
    private final PacketPort port;
    private final WireCodec codec;
    private final ClientConfig config;
    private final SinkFactory sinks;
    private final ProgressListener progress;
    private final long clientId;
    private final SplittableRandom random;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer out = ByteBuffer.allocate(WireCodec.MAX_DATAGRAM + 64);
    private final LossMeter loss = new LossMeter();
    private long sessionId;
    private SessionInfo session;
    /** The image's hash as the server announced it: in its Welcome, or in a later status. */
    private Sha256 imageSha256;
    /** The compressed file's digest that the sender checked its source against; null when it checked none. */
    private Sha256 sourceSha256;
    private String hashProblem;
    private CarouselView view;
    private BlockAssembler blocks;
    private RepairRequester repairs;
    private ReceivePacing pacing;
    private Sink sink;
    /** The sink that decodes chunks, when the image travels as chunks. */
    private DecodingSink decoding;
    private boolean parity;
    /** Blocks holding the manifest: what a delta receiver takes before it knows what else it needs. */
    private int manifestBlocks;
    private boolean surveying;
    /** What the target held, once compared with the manifest; null without a survey. */
    private Survey survey;
    /** What a delta receiver asked for and the sender has not acknowledged all of; no repairs are asked meanwhile. */
    private DeltaRequest delta;
    private ClientPhase phase = ClientPhase.RECEIVING;
    private String abortReason;
    private long lastHeard;
    private long packetsDropped;

    public Client(PacketPort port, WireCodec codec, ClientConfig config, SinkFactory sinks, ProgressListener progress) {
        this(port, codec, config, sinks, progress, LoggerFactory.getLogger("broadband.client"));
    }

    /** @param log where the session's story goes; a session nobody watches (a warm-up) passes a silent one */
    public Client(PacketPort port, WireCodec codec, ClientConfig config, SinkFactory sinks, ProgressListener progress,
                  Logger log) {
        this.log = log;
        this.port = port;
        this.codec = codec;
        this.config = config;
        this.sinks = sinks;
        this.progress = progress;
        SecureRandom seed = new SecureRandom();
        this.clientId = config.clientId() != 0 ? config.clientId() : seed.nextLong();
        this.random = new SplittableRandom(seed.nextLong());
    }

    /** A reason the session cannot succeed, worded for the person at the terminal. */
    private static final class SessionFailure extends Exception {
        SessionFailure(String message) {
            super(message, null, false, false);
        }
    }

    public ClientResult run() throws IOException {
        try {
            Welcome welcome = join();
            progress.joined();
            if (config.dryRun()) {
                return conclude(true, checkOnly(welcome));
            }
            begin(welcome);
            Sha256 written = receiveAndVerify();
            String problem = judge(written);
            return conclude(problem == null, problem == null ? "verified sha256 " + written.hex() + kept() : problem);
        } catch (SessionFailure failure) {
            return session == null ? new ClientResult(false, failure.getMessage(), 0, 0, false, packetsDropped)
                    : conclude(false, failure.getMessage());
        } finally {
            progress.finished();
            if (sink != null) {
                sink.close();
            }
        }
    }

    // ---- joining ----

    private Welcome join() throws IOException, SessionFailure {
        long start = System.nanoTime();
        long nextJoin = start;
        long nextLog = start + WAIT_LOG_INTERVAL;
        int badAnswers = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextJoin) {
                send(new Join(0, clientId, config.name(), config.delta()));
                nextJoin = now + (now - start < PATIENCE ? JOIN_INTERVAL : PATIENT_JOIN_INTERVAL);
            }
            while (port.receiveControl(in) != null) {
                ControlMessage answer;
                try {
                    if (codec.open(in)) {
                        continue;
                    }
                    answer = codec.decodeControl(in);
                } catch (MalformedPacketException e) {
                    if (++badAnswers >= BAD_ANSWERS_TO_GIVE_UP) {
                        throw new SessionFailure("cannot join the server at " + config.server() + ": " + e.getMessage());
                    }
                    continue;
                }
                if (answer instanceof Welcome w && w.clientId() == clientId) {
                    return w;
                }
                if (answer instanceof Reject r && r.clientId() == clientId) {
                    throw new SessionFailure("the server at " + config.server() + " refused: " + r.reason());
                }
            }
            if (config.waitForServer() != null && now - start > config.waitForServer().toNanos()) {
                throw new SessionFailure("no answer from a broadband server at " + config.server() + " within "
                        + Units.formatDuration(config.waitForServer()) + ": is it running, and is its UDP control port open?");
            }
            if (now >= nextLog) {
                log.info("waiting for the server at {} (no answer yet)", config.server());
                nextLog = now + WAIT_LOG_INTERVAL;
            }
            port.await(Math.min(nextJoin - now, 100 * MS));
        }
    }

    /** A datagram larger than this host's MTU is dropped before any socket sees it: the session would only time out. */
    private void checkDatagramFits(Geometry g) throws IOException, SessionFailure {
        int datagram = codec.dataDatagram(g.payloadSize());
        int mtu = port.dataMtu();
        if (mtu > 0 && datagram > WireCodec.largestDatagram(mtu)) {
            throw new SessionFailure("the server sends " + datagram + "-byte datagrams, but this host's interface"
                    + " has MTU " + mtu + " and would drop them all: set the same MTU on every host of the segment,"
                    + " or run the server with --mtu " + mtu);
        }
    }

    /** A dry run: the session's image size is all the target's checks need; nothing is received or written. */
    private String checkOnly(Welcome w) throws IOException, SessionFailure {
        takeSession(w);
        checkDatagramFits(w.geometry());
        try {
            return sinks.dryRun(imageBytes(w));
        } catch (IOException e) {
            throw new SessionFailure(e.getMessage());
        }
    }

    /** The raw image's size: what the target receives, whatever travels. */
    private static long imageBytes(Welcome w) {
        return w.encoding() == null ? w.geometry().imageSize() : w.encoding().imageBytes();
    }

    private void takeSession(Welcome w) {
        sessionId = w.session();
        sourceSha256 = w.sourceSha256();
        session = new SessionInfo(w.session(), w.geometry(), w.multicastGroup(), w.dataPort(), codec.keyed());
    }

    private void begin(Welcome w) throws IOException, SessionFailure {
        takeSession(w);
        Geometry g = w.geometry();
        long imageBytes = imageBytes(w);
        log.info("joined session {} at {}: {} bytes ({}{}), sha256 {}, data on {} port {}", session.idHex(),
                config.server(), imageBytes, Units.formatBytes(imageBytes), w.encoding() == null ? ""
                        : ", sent as " + Units.formatBytes(g.imageSize()) + " of zero marks and zstd chunks",
                w.sha256() == null ? "to follow (the server takes it as it sends)" : w.sha256().hex(),
                w.multicastGroup() == null ? "broadcast" : "multicast group " + w.multicastGroup().getHostAddress(),
                w.dataPort());
        learnHash(w.sha256());
        if (hashProblem != null) {
            throw new SessionFailure(hashProblem);
        }
        checkDatagramFits(g);
        parity = w.parity();
        view = new CarouselView(g.blockCount(), w.statusSeq(), w.parity());
        repairs = new RepairRequester(g.blockCount(), REPAIR, random.split());
        port.listenData(w.dataPort(), w.multicastGroup());
        String shortfall = port.receiveBufferShortfall();
        if (shortfall != null) {
            log.warn(shortfall);
        }
        pacing = new ReceivePacing(port.dataBufferBytes());
        lastHeard = System.nanoTime();
        if (config.expectedSha256() != null && imageSha256 == null) {
            awaitAnnouncedHash();
        }
        try {
            sink = sinks.open(imageBytes, config.bufferBytes());
        } catch (IOException e) {
            throw new SessionFailure(e.getMessage());
        }
        if (w.encoding() != null) {
            if (!sink.randomAccess()) {
                throw new SessionFailure("the server sends the image as compressed chunks, which " + sink.description()
                        + " cannot take yet: give --output FILE or a device, or run the server with --encoding raw");
            }
            surveying = config.delta() && !sink.blank();
            decoding = new DecodingSink(sink, w.encoding(), g.imageSize(), config.bufferBytes(), surveying);
            sink = decoding;
        }
        blocks = new BlockAssembler(g, sink, config.bufferBytes(), w.parity());
        if (w.encoding() != null && config.delta()) {
            manifestBlocks = g.blockAt(w.encoding().manifestBytes() - 1) + 1;
            if (surveying) {
                blocks.waitFrom(manifestBlocks);
                log.info("{} may hold chunks of the image already: comparing it with the manifest before asking for"
                        + " the rest", sink.description());
            } else {
                delta = DeltaRequest.everything(g, manifestBlocks);
                sendWants();
            }
        }
    }

    /** The target was compared with the manifest: what it lacks is asked for, the rest counts as received. */
    private void takeSurvey(Survey surveyed) throws IOException {
        survey = surveyed;
        Geometry g = session.geometry();
        delta = DeltaRequest.forChunks(g, decoding.manifest(), survey.lacking(), manifestBlocks);
        blocks.decide(delta.needed());
        long imageBytes = decoding.manifest().encoding().imageBytes();
        log.info("{} holds {} of the image's {} chunks already ({} of {}): receiving the other {} ({} in {} blocks)",
                sink.description(), survey.held(), survey.chunks(), Units.formatBytes(survey.heldBytes()),
                Units.formatBytes(imageBytes), survey.chunks() - survey.held(),
                Units.formatBytes(delta.blocks() * g.blockBytes()), delta.blocks());
        if (survey.unreadable() > 0) {
            log.warn("{} chunk ranges of {} could not be read ({}): receiving them instead; if writing there fails"
                    + " too, the device is failing", survey.unreadable(), sink.description(), survey.unreadableReason());
        }
        sendWants();
    }

    /** For the result: how much of the image was on the target already, which a user re-imaging wants to know. */
    private String kept() {
        return survey == null || survey.held() == 0 ? "" : " (" + survey.held() + " of its " + survey.chunks()
                + " chunks, " + Units.formatBytes(survey.heldBytes()) + ", were on the target already)";
    }

    private void sendWants() throws IOException {
        for (Want want : delta.unacknowledged(sessionId, clientId)) {
            send(want);
        }
    }

    /**
     * With --sha256 nothing is written before the server's image is known to be the one expected: a device is not
     * overwritten with another image. What the carousel sends meanwhile is asked for again afterwards.
     */
    private void awaitAnnouncedHash() throws IOException, SessionFailure {
        log.info("waiting for the server to announce the image's sha256 before writing anything (--sha256 was given)");
        long nextBeat = 0;
        while (imageSha256 == null) {
            long now = System.nanoTime();
            drainData(now);
            drainControl(now);
            checkSession(now);
            if (now >= nextBeat) {
                beat();
                nextBeat = now + Heartbeat.INTERVAL_NANOS;
            }
            port.await(Math.max(0, nextBeat - System.nanoTime()));
        }
    }

    private void checkSession(long now) throws SessionFailure {
        if (abortReason != null) {
            throw new SessionFailure("the server aborted the session: " + abortReason);
        }
        if (hashProblem != null) {
            throw new SessionFailure(hashProblem);
        }
        if (now - lastHeard > config.serverTimeout().toNanos()) {
            throw new SessionFailure("nothing from the server for " + Units.formatDuration(config.serverTimeout())
                    + ": it stopped or the network broke; run the client again once the server is back");
        }
    }

    // ---- receiving ----

    private Sha256 receiveAndVerify() throws IOException, SessionFailure {
        long nextRepair = 0;
        long nextBeat = 0;
        CompletableFuture<Sha256> verification = null;
        double[] verified = {0};
        while (true) {
            long now = System.nanoTime();
            int burst = drainData(now);
            drainControl(now);
            checkSession(now);
            if (surveying) {
                Survey surveyed = surveyOf(decoding);
                if (surveyed != null) {
                    surveying = false;
                    takeSurvey(surveyed);
                }
            }
            if (verification == null && blocks.allComplete()) {
                phase = ClientPhase.VERIFYING;
                log.info("all {} bytes received{}; verifying {}", session.imageSize(),
                        sink instanceof DecodingSink ? " (the image's chunks)" : "", sink.description());
                verification = CompletableFuture.supplyAsync(() -> {
                    try {
                        return sink.finish(f -> verified[0] = f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                nextBeat = 0;
            }
            // The image's hash comes with the sender's statuses once its first pass is over; wait for it if need be.
            if (verification != null && verification.isDone() && imageSha256 != null) {
                return outcome(verification);
            }
            if (now >= nextRepair && verification == null && delta == null) {
                askForRepairs(now);
                nextRepair = now + REPAIR.tickNanos();
            }
            if (now >= nextBeat) {
                beat();
                if (delta != null) {
                    sendWants();
                }
                progress.progress(verification == null ? "receiving" : "verifying",
                        verification == null ? blocks.bytesComplete() : (long) (verified[0] * session.imageSize()),
                        session.imageSize());
                nextBeat = now + Heartbeat.INTERVAL_NANOS;
            }
            if (burst > 0) {
                long pause = pacing.pauseAfter(burst, now);
                if (burst < DATA_BURST) {
                    // Traffic is flowing: let packets gather in the socket buffer and take them in one go.
                    LockSupport.parkNanos(pause);
                }
            } else {
                port.await(Math.max(0, Math.min(nextRepair, nextBeat) - System.nanoTime()));
            }
        }
    }

    private static Survey surveyOf(DecodingSink decoding) throws SessionFailure {
        try {
            return decoding.survey();
        } catch (IOException e) {
            throw new SessionFailure(e.getMessage());
        }
    }

    private static Sha256 outcome(CompletableFuture<Sha256> verification) throws SessionFailure {
        try {
            return verification.get();
        } catch (ExecutionException e) {
            throw new SessionFailure("could not read back what was written: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionFailure("interrupted while verifying");
        }
    }

    private int drainData(long now) throws IOException, SessionFailure {
        int n = 0;
        while (n < DATA_BURST && port.receiveData(in) != null) {
            n++;
            boolean data;
            try {
                data = codec.open(in);
                if (WireCodec.session(in) != sessionId) {
                    packetsDropped++;
                    continue;
                }
                if (!data) {
                    onSenderMessage(codec.decodeControl(in));
                    lastHeard = now;
                    continue;
                }
            } catch (MalformedPacketException e) {
                packetsDropped++;
                continue;
            }
            lastHeard = now;
            if (phase != ClientPhase.RECEIVING || blocks == null) {
                continue;
            }
            loss.onPacket(WireCodec.dataSeq(in));
            int length = in.limit() - WireCodec.DATA_HEADER;
            if (!accept(WireCodec.dataBlock(in), WireCodec.dataSymbol(in), length)) {
                packetsDropped++;
            }
        }
        return n;
    }

    /**
     * A failing disk (full, vanished, an I/O error) ends the session for this client at once, and the server hears
     * why from its Done instead of waiting out its drop timeout to report silence.
     */
    private boolean accept(int block, int symbol, int length) throws SessionFailure {
        try {
            return blocks.accept(block, symbol, in, WireCodec.DATA_HEADER, length);
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            throw new SessionFailure("writing " + sink.description() + " failed: " + why
                    + "; the image there is incomplete: fix the target and run the client again");
        }
    }

    private void onSenderMessage(ControlMessage message) {
        if (message instanceof SenderStatus status) {
            view.onStatus(status);
            learnHash(status.sha256());
        } else if (message instanceof Abort abort) {
            abortReason = abort.reason();
        }
    }

    private void learnHash(Sha256 announced) {
        if (announced == null || imageSha256 != null) {
            return;
        }
        imageSha256 = announced;
        if (!meetsExpected(announced)) {
            hashProblem = "the server offers an image with sha256 " + announced.hex()
                    + (sourceSha256 == null ? "" : " (from a compressed file of sha256 " + sourceSha256.hex() + ")")
                    + ", not the " + config.expectedSha256().hex() + " expected: refusing it, nothing was written";
        }
    }

    /**
     * Whether an image of this SHA-256 is the one the user asked for: its own hash, or that of the compressed file
     * the sender decoded it from (the sender, holding the session key, vouches for that pairing in its Welcome).
     */
    private boolean meetsExpected(Sha256 image) {
        Sha256 expected = config.expectedSha256();
        return expected == null || expected.equals(image) || expected.equals(sourceSha256);
    }

    private void drainControl(long now) throws IOException {
        while (port.receiveControl(in) != null) {
            try {
                if (codec.open(in) || WireCodec.session(in) != sessionId) {
                    packetsDropped++;
                    continue;
                }
                ControlMessage message = codec.decodeControl(in);
                lastHeard = now;
                if (message instanceof Abort abort) {
                    abortReason = abort.reason();
                } else if (message instanceof WantAck ack && ack.clientId() == clientId && delta != null
                        && delta.acknowledge(ack)) {
                    // A block the carousel offered before it heard our Want was not lost: count from its answer on.
                    view = new CarouselView(session.geometry().blockCount(), delta.statusSeq(), parity);
                    delta = null;
                }
            } catch (MalformedPacketException e) {
                packetsDropped++;
            }
        }
    }

    private void askForRepairs(long now) throws IOException {
        int max = WireCodec.MAX_NEEDS_PER_PACKET;
        List<BlockNeed> needs = repairs.due(now, view, blocks, max * NACK_PACKETS_PER_TICK);
        for (int i = 0; i < needs.size(); i += max) {
            send(new Nack(sessionId, clientId, needs.subList(i, Math.min(needs.size(), i + max))));
        }
    }

    private void beat() throws IOException {
        send(new Heartbeat(sessionId, clientId, phase, blocks == null ? 0 : blocks.bytesComplete(), port.overflowDrops(),
                loss.takePermille()));
    }

    // ---- ending ----

    private String judge(Sha256 written) {
        if (!written.equals(imageSha256)) {
            return "sha256 of what was written (" + written.hex() + ") differs from the image's (" + imageSha256.hex()
                    + "): the data was damaged on the way or on disk; run the client again";
        }
        if (!meetsExpected(written)) {
            return "sha256 " + written.hex() + " differs from the expected " + config.expectedSha256().hex();
        }
        return null;
    }

    /** Tells the server the outcome until it acknowledges (or stops answering) and returns it. */
    private ClientResult conclude(boolean ok, String message) throws IOException {
        phase = ok ? ClientPhase.SUCCEEDED : ClientPhase.FAILED;
        long deadline = System.nanoTime() + DONE_PATIENCE;
        boolean acknowledged = false;
        while (!acknowledged && abortReason == null && System.nanoTime() < deadline) {
            send(new Done(sessionId, clientId, ok, message));
            long retry = System.nanoTime() + DONE_RETRY;
            while (!acknowledged && System.nanoTime() < retry) {
                port.await(retry - System.nanoTime());
                while (port.receiveControl(in) != null) {
                    try {
                        if (!codec.open(in) && codec.decodeControl(in) instanceof DoneAck ack
                                && ack.clientId() == clientId) {
                            acknowledged = true;
                        }
                    } catch (MalformedPacketException e) {
                        packetsDropped++;
                    }
                }
                while (port.receiveData(in) != null) {
                    // the broadcast goes on for the others
                }
            }
        }
        if (!acknowledged) {
            log.warn("the server did not acknowledge our result; it may have ended already");
        }
        long bytes = blocks == null ? 0 : blocks.bytesComplete();
        long requested = repairs == null ? 0 : repairs.requested();
        return new ClientResult(ok, message, bytes, requested, acknowledged, packetsDropped);
    }

    private void send(ControlMessage message) throws IOException {
        codec.encode(message, out);
        port.sendControl(out, config.server());
    }
}
