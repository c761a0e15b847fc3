package dev.broadband.protocol.sender;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.SessionInfo;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.BlockRange;
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
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session on one thread: waits for clients, streams the carousel with repairs, and ends when every
 * client that joined has verified the image, failed, or fallen silent.
 */
public final class Server {
    private static final long WAIT_LOG_NANOS = 5_000_000_000L;
    private static final long PROGRESS_LOG_NANOS = 2_000_000_000L;
    private static final long PUBLISH_NANOS = 250_000_000L;
    private static final int ABORT_REPEATS = 3;
    /** Clients repeat their result every 200 ms until acknowledged: this outlasts two lost acknowledgements. */
    private static final long RESULT_LINGER = 500_000_000L;

    private final Logger log;
    private final PacketPort port;
    private final StreamSource image;
    private final FirstPassHash hash;
    private boolean hashLogged;
    private final WireCodec codec;
    private final ServerConfig config;
    private final Consumer<SessionStatus> statusBoard;
    private final long sessionId;
    private final Geometry geometry;
    private final Carousel carousel;
    private final SendSchedule schedule;
    private final RateController rate;
    private final BlockSender blockSender;
    private final ClientRegistry clients = new ClientRegistry();
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer out = ByteBuffer.allocate(WireCodec.MAX_DATAGRAM + 64);
    private volatile String abortReason;
    private SessionPhase phase = SessionPhase.WAITING;
    private Instant startedAt;
    private long firstJoinAt = -1;
    private int statusSeq;
    private long nextStatusAt;
    private long nextPublishAt;
    private long nextLogAt;
    /** When the last progress line was logged (streaming began, before one), and the bytes sent by then. */
    private long lastProgressAt;
    private long sentAtLastProgress;
    private long nacksReceived;
    private long repairPackets;
    private long statusPackets;
    private long packetsDropped;
    private long lastResultAt = System.nanoTime() - RESULT_LINGER;

    public Server(PacketPort port, StreamSource image, WireCodec codec, ServerConfig config,
                  Consumer<SessionStatus> statusBoard) {
        this(port, image, codec, config, statusBoard, LoggerFactory.getLogger("broadband.server"));
    }

    /** @param log where the session's story goes; a session nobody watches (a warm-up) passes a silent one */
    public Server(PacketPort port, StreamSource image, WireCodec codec, ServerConfig config,
                  Consumer<SessionStatus> statusBoard, Logger log) {
        this.log = log;
        this.port = port;
        this.image = image;
        this.codec = codec;
        this.config = config;
        this.statusBoard = statusBoard;
        this.sessionId = newSessionId();
        this.geometry = new Geometry(image.size(), codec.payloadFor(config.maxDatagram()), config.blockPackets());
        this.carousel = new Carousel(geometry, config.parity(), config.proactiveParity(), ServerConfig.INTERLEAVE_BLOCKS);
        this.schedule = new SendSchedule(carousel, geometry.blockPackets());
        long now = System.nanoTime();
        this.rate = config.rateBps() > 0 ? RateController.fixed(config.rateBps(), now)
                : RateController.adaptive(ServerConfig.ADAPTIVE_START_BPS, ServerConfig.ADAPTIVE_CEILING_BPS, now);
        // An encoded image's hash was taken while encoding, a raw one's maybe by an earlier broadcast of the same
        // file (HashCache); else the first pass takes it.
        this.hash = new FirstPassHash(image.imageSha256() != null ? 0 : geometry.blockCount());
        this.blockSender = new BlockSender(image, geometry, codec, port, rate, sessionId, hash,
                ServerConfig.INTERLEAVE_BLOCKS);
    }

    private static long newSessionId() {
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        return id;
    }

    /** Ends the session from another thread (Ctrl-C): clients are told it was aborted. */
    public void abort(String reason) {
        abortReason = reason;
        port.wakeup();
    }

    /** @return true when every client that joined verified the image */
    public boolean run() throws IOException {
        try {
            return serve();
        } catch (IOException | RuntimeException e) {
            // Whatever broke, the clients hear of it now rather than after their timeout.
            String reason = "the server failed: " + e;
            log.error("{}; telling the clients", reason);
            abortSession(reason);
            throw e;
        } finally {
            hash.close();
        }
    }

    private boolean serve() throws IOException {
        log.info("session {}: {}{} ({} bytes{}), {} blocks of {} packets of {} bytes; data to {}, control on port {}",
                SessionInfo.hex(sessionId), image.description(),
                image.format() == ImageFormat.RAW ? "" : ", " + image.format().label() + "-compressed",
                image.encoding() == null ? geometry.imageSize() : image.encoding().imageBytes(),
                image.encoding() == null ? "" : ", " + geometry.imageSize() + " to send as chunks",
                geometry.blockCount(), geometry.blockPackets(), geometry.payloadSize(), Units.formatAddress(config.destination()),
                config.controlPort());
        if (!codec.keyed()) {
            log.warn("no --key-file: packets are not authenticated, so anyone on the segment can disturb the session;"
                    + " clients still verify the SHA-256 before reporting success");
        }
        log.info("repair: {}", carousel.parity() ? "parity (Reed-Solomon)" + (config.proactiveParity() > 0
                ? ", " + Units.formatPercent(config.proactiveParity()) + " sent unasked" : "") : "resending lost packets");
        log.info("rate: {}", rate.adaptive() ? "adapting to the receivers (give --rate to fix a cap)"
                : Units.formatRate(rate.rateBps()) + " cap");
        long waitingSince = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            drainControl(now);
            if (abortReason != null) {
                return abortSession(abortReason);
            }
            dropSilentClients(now);
            if (phase == SessionPhase.WAITING) {
                StartPolicy.Decision decision = config.start().decide(clients.size(), now - waitingSince,
                        firstJoinAt < 0 ? -1 : now - firstJoinAt);
                if (decision == StartPolicy.Decision.GIVE_UP) {
                    log.error("nobody joined within the start timeout of {}: start the clients ('broadband client <this"
                            + " host>') or give a longer --start-timeout", Units.formatDuration(config.start().startTimeout()));
                    return finish(SessionPhase.ABORTED);
                }
                if (decision == StartPolicy.Decision.START) {
                    phase = SessionPhase.STREAMING;
                    startedAt = Instant.now();
                    long streamingSince = System.nanoTime();
                    rate.begin(streamingSince);
                    // The first progress line comes after a stretch of sending: one at once had nothing to tell.
                    lastProgressAt = streamingSince;
                    sentAtLastProgress = blockSender.bytesSent;
                    nextLogAt = streamingSince + PROGRESS_LOG_NANOS;
                    log.info("streaming to {} client(s)", clients.size());
                } else {
                    logWaiting(now);
                    publishIfDue(now);
                    port.await(50_000_000L);
                    continue;
                }
            }
            if (clients.size() > 0 && clients.allFinished()) {
                // A client whose acknowledgement was lost repeats its result: stay to answer until the repeats stop,
                // rather than leave it waiting for an answer that cannot come.
                long quiet = now - lastResultAt;
                if (quiet >= RESULT_LINGER) {
                    return finish(SessionPhase.FINISHED);
                }
                port.await(RESULT_LINGER - quiet);
                continue;
            }
            sendStatusIfDue(now);
            if (schedule.next()) {
                Batch batch = schedule.batch();
                int sent = blockSender.send(batch, schedule.from(), schedule.to(), () -> abortReason != null);
                schedule.sent(sent);
                if (batch.repair()) {
                    repairPackets += sent;
                }
                rate.tick(System.nanoTime(), port.dataSendRefusals());
            } else {
                rate.idle();
                port.await(Math.max(0, nextStatusAt - System.nanoTime()));
            }
            String wrongImage = checkHashOnce();
            if (wrongImage != null) {
                return abortSession(wrongImage);
            }
            logProgress(now);
            publishIfDue(now);
        }
    }

    private void drainControl(long now) throws IOException {
        SocketAddress from;
        while ((from = port.receiveControl(in)) != null) {
            ControlMessage message;
            try {
                if (codec.open(in)) {
                    packetsDropped++;
                    continue;
                }
                message = codec.decodeControl(in);
            } catch (MalformedPacketException e) {
                packetsDropped++;
                rejectUnreadableJoin(e, from);
                continue;
            }
            handle(message, from, now);
        }
    }

    /** A join we cannot read (wrong key, other version) gets an answer the client can turn into a clear error. */
    private void rejectUnreadableJoin(MalformedPacketException e, SocketAddress from) throws IOException {
        if (in.limit() >= WireCodec.HEADER + 8 && Short.toUnsignedInt(in.getShort(0)) == WireCodec.MAGIC
                && (in.get(3) & 0x7f) == 2) {
            long clientId = in.getLong(WireCodec.HEADER);
            log.warn("refused a join from {}: {}", Units.formatAddress(from), e.getMessage());
            sendTo(new Reject(sessionId, clientId, e.getMessage()), from);
        }
    }

    private void handle(ControlMessage message, SocketAddress from, long now) throws IOException {
        if (message instanceof Join join) {
            admit(join, from, now);
            return;
        }
        if (message.session() != sessionId) {
            packetsDropped++;
            return;
        }
        if (message instanceof Want want && clients.knows(want.clientId())) {
            takeWant(want, from, now);
        } else if (message instanceof Nack nack && clients.knows(nack.clientId())) {
            nacksReceived++;
            for (BlockNeed need : nack.needs()) {
                carousel.requestRepair(need.block(), need.mask());
                clients.countRepairs(nack.clientId(), Long.bitCount(need.mask()), now);
            }
        } else if (message instanceof Heartbeat beat) {
            long drops = clients.heartbeat(beat.clientId(), beat.phase(), beat.bytesDone(), beat.overflowDrops(), now);
            rate.onReceiverReport(beat.clientId(), drops, beat.lossPermille(), now);
        } else if (message instanceof Done done && clients.knows(done.clientId())) {
            String name = clients.done(done.clientId(), done.ok(), done.message(), geometry.imageSize(), now);
            if (name != null) {
                if (done.ok()) {
                    log.info("client {} ({}) verified the image", name, Units.formatAddress(from));
                } else {
                    log.warn("client {} ({}) failed: {}", name, Units.formatAddress(from), done.message());
                }
            }
            lastResultAt = now;
            sendTo(new DoneAck(sessionId, done.clientId()), from);
        } else {
            packetsDropped++;
        }
    }

    private void takeWant(Want want, SocketAddress from, long now) throws IOException {
        long blocks = want.ranges().stream().mapToLong(r -> r.to() - r.from()).sum();
        if (clients.want(want.clientId(), want.part(), blocks, now)) {
            for (BlockRange range : want.ranges()) {
                carousel.needBlocks(range.from(), range.to());
            }
            ClientRegistry.Wanted wanted = clients.wanted(want.clientId(), want.parts());
            if (wanted != null) {
                log.info("client {} ({}) compared its target with the manifest: it needs {} of the {} blocks ({})",
                        wanted.name(), Units.formatAddress(from), wanted.blocks(), geometry.blockCount(),
                        Units.formatBytes(wanted.blocks() * geometry.blockBytes()));
            }
        }
        sendTo(new WantAck(sessionId, want.clientId(), want.part(), statusSeq + 1), from);
    }

    private void admit(Join join, SocketAddress from, long now) throws IOException {
        if (phase.isOver()) {
            sendTo(new Reject(sessionId, join.clientId(), "the session is over"), from);
            return;
        }
        ClientRegistry.Admission admission = clients.join(join.clientId(), join.name(), from, now);
        carousel.askers(clients.receiving());
        boolean delta = join.delta() && image.encoding() != null;
        if (admission != ClientRegistry.Admission.REPEATED) {
            if (delta) {
                // Its Want says what else it needs once it has compared its target with the manifest.
                carousel.needBlocks(0, geometry.blockAt(image.encoding().manifestBytes() - 1) + 1);
            } else {
                carousel.needEverything();
            }
            if (firstJoinAt < 0) {
                firstJoinAt = now;
            }
            if (admission == ClientRegistry.Admission.RESTARTED) {
                log.info("client {} rejoined from {}: it restarted, and catches up from the carousel", join.name(),
                        Units.formatAddress(from));
            } else {
                log.info("client {} ({}) joined{}{}", join.name(), Units.formatAddress(from),
                        phase == SessionPhase.STREAMING ? " while streaming: it catches up from the carousel"
                                : ", " + clients.size() + " now",
                        delta ? "; it compares its target with the manifest and asks only for what it lacks" : "");
            }
        }
        InetAddress destination = config.destination().getAddress();
        InetAddress group = destination.isMulticastAddress() ? destination : null;
        sendTo(new Welcome(sessionId, join.clientId(), geometry, announcedSha256(), group, config.destination().getPort(),
                statusSeq + 1, carousel.parity(), image.encoding(), config.sourceSha256()), from);
    }

    private void sendTo(ControlMessage message, SocketAddress to) throws IOException {
        codec.encode(message, out);
        port.sendControl(out, to);
    }

    private void dropSilentClients(long now) {
        for (String dropped : clients.dropSilent(now, config.dropTimeout())) {
            log.warn("dropped client {}: silent for {}; the others go on", dropped,
                    Units.formatDuration(config.dropTimeout()));
        }
    }

    private void sendStatusIfDue(long now) throws IOException {
        if (now < nextStatusAt) {
            return;
        }
        boolean idle = schedule.idle();
        List<BlockNeed> queued = carousel.queuedRepairs(WireCodec.MAX_NEEDS_PER_PACKET);
        int receiving = clients.receiving();
        carousel.askers(receiving);
        codec.encode(new SenderStatus(sessionId, ++statusSeq, carousel.pass(), carousel.frontier(), idle,
                receiving, announcedSha256(), queued), out);
        blockSender.sendControl(out);
        statusPackets++;
        nextStatusAt = now + (idle ? ServerConfig.IDLE_STATUS_INTERVAL : ServerConfig.STATUS_INTERVAL).toNanos();
    }

    /**
     * What clients are told the image's SHA-256 is: the one given with --sha256 from the start (so that clients
     * that require it write at once), else the one the first pass took, once it has.
     */
    private Sha256 announcedSha256() {
        return config.declaredSha256() != null ? config.declaredSha256() : imageSha256();
    }

    private Sha256 imageSha256() {
        return image.imageSha256() != null ? image.imageSha256() : hash.result();
    }

    /** @return the reason to abort when the first pass found another image than the one declared; else null */
    private String checkHashOnce() {
        Sha256 found = imageSha256();
        if (hashLogged || found == null) {
            return null;
        }
        hashLogged = true;
        Sha256 declared = config.declaredSha256();
        if (declared == null) {
            log.info("image sha256 {} (taken {}; clients verify against it)", found.hex(),
                    image.imageSha256() != null ? "before sending" : "on the first pass");
            return null;
        }
        if (!declared.equals(found)) {
            return "the image read has sha256 " + found.hex() + ", not the " + declared.hex()
                    + " given with --sha256: it changed, or it is not the image named";
        }
        log.info("image sha256 {} (given with --sha256, and what was read)", declared.hex());
        return null;
    }

    private void logWaiting(long now) {
        if (now >= nextLogAt) {
            int need = config.start().minClients();
            log.info("waiting for clients on port {}: {} joined{}", config.controlPort(), clients.size(),
                    need > 0 ? " of " + need : "");
            nextLogAt = now + WAIT_LOG_NANOS;
        }
    }

    private void logProgress(long now) {
        if (now >= nextLogAt) {
            // What went out, beside the cap: an adaptive cap sits above what the sender manages while nothing
            // stops it, and alone it would read as a speed the link never saw.
            long sent = blockSender.bytesSent;
            long sending = (long) ((sent - sentAtLastProgress) * 8e9 / Math.max(1, now - lastProgressAt));
            log.info("{} | {}/{} clients verified | sending {}, cap {} | {} repair packets sent",
                    Units.formatPercent(clients.meanProgress(geometry.imageSize())),
                    clients.count(ClientState.SUCCEEDED), clients.size(), Units.formatRate(sending),
                    Units.formatRate(rate.rateBps()),
                    repairPackets);
            lastProgressAt = now;
            sentAtLastProgress = sent;
            nextLogAt = now + PROGRESS_LOG_NANOS;
        }
    }

    private void publishIfDue(long now) {
        if (now >= nextPublishAt) {
            statusBoard.accept(status());
            nextPublishAt = now + PUBLISH_NANOS;
        }
    }

    /** The SHA-256 the first pass took of the raw image; null when it was known before sending, or the pass did not end. */
    public Sha256 firstPassSha256() {
        return image.imageSha256() == null ? hash.result() : null;
    }

    public SessionStatus status() {
        return new SessionStatus(SessionInfo.hex(sessionId), phase, geometry.imageSize(),
                announcedSha256() == null ? null : announcedSha256().hex(), rate.rateBps(),
                blockSender.bytesSent, startedAt, clients.snapshot(),
                new SessionStatus.Counters(blockSender.packetsSent, repairPackets, statusPackets, nacksReceived,
                        packetsDropped), image.format().label());
    }

    private boolean abortSession(String reason) throws IOException {
        log.warn("aborting the session: {}", reason);
        List<SocketAddress> unfinished = clients.unfinishedAddresses();
        clients.failUnfinished("aborted by the server: " + reason);
        for (int i = 0; i < ABORT_REPEATS; i++) {
            codec.encode(new Abort(sessionId, reason), out);
            port.sendData(out);
            for (SocketAddress client : unfinished) {
                sendTo(new Abort(sessionId, reason), client);
            }
        }
        return finish(SessionPhase.ABORTED);
    }

    private boolean finish(SessionPhase end) {
        phase = end;
        SessionStatus status = status();
        statusBoard.accept(status);
        double seconds = startedAt == null ? 0 : (Instant.now().toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
        for (ClientStatus c : status.clients()) {
            log.info("client {} {}: {}, {} bytes, {} repairs{}", c.name(), c.address(), c.state(), c.bytesReceived(),
                    c.repairs(), c.message().isEmpty() ? "" : " (" + c.message() + ")");
        }
        long imagePackets = Math.max(1, geometry.packetCount());
        boolean ok = end == SessionPhase.FINISHED && clients.allSucceeded();
        String summary = String.format("session %s %s after %.1f s: %d/%d clients verified the image; %.3f packets"
                        + " sent per image packet", status.session(), end == SessionPhase.FINISHED ? "finished" : "aborted",
                seconds, clients.count(ClientState.SUCCEEDED), clients.size(),
                (double) blockSender.packetsSent / imagePackets);
        if (ok) {
            log.info(summary);
        } else {
            log.error(summary);
        }
        return ok;
    }
}
