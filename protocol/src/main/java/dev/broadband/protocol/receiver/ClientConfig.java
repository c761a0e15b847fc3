package dev.broadband.protocol.receiver;

import dev.broadband.protocol.session.Sha256;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a client receives.
 *
 * @param expectedSha256 a hash the user knows, checked besides the announced one; null when none was given
 * @param waitForServer how long to wait for a server that does not answer yet; null for as long as it takes
 * @param serverTimeout how long a joined session may stay silent before the server is taken for gone
 * @param bufferBytes memory for partial blocks (and for stdout, for blocks waiting for an earlier one)
 * @param clientId how the server knows this client; 0 for a fresh random one
 * @param dryRun check the target and report what would be written, writing nothing
 * @param delta when the image travels as chunks, compare the target with them first and receive only the chunks it
 *     lacks (a target the sink just created holds none, and is sent everything at once)
 */
public record ClientConfig(InetSocketAddress server, String name, Sha256 expectedSha256, Duration waitForServer,
                           Duration serverTimeout, long bufferBytes, long clientId, boolean dryRun, boolean delta) {
    public static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_BUFFER_BYTES = 256L << 20;

    public ClientConfig(InetSocketAddress server, String name, Sha256 expectedSha256, Duration waitForServer,
                        Duration serverTimeout, long bufferBytes) {
        this(server, name, expectedSha256, waitForServer, serverTimeout, bufferBytes, 0, false, true);
    }

    /**
     * The same id for the same name, every time: a node agent that restarts (its pod deleted, its node rebooted)
     * rejoins as the client the sender already lists, instead of leaving a dropped one behind.
     */
    public static long stableId(String name) {
        byte[] digest = Sha256.newDigest().digest(name.getBytes(StandardCharsets.UTF_8));
        long id = ByteBuffer.wrap(digest).getLong();
        return id == 0 ? 1 : id;
    }
}
