package dev.broadband.protocol.receiver;

import dev.broadband.protocol.session.Sha256;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a client receives.
 *
 * @param expectedSha256 a hash the user knows, checked besides the announced one; null when none was given
 * @param waitForServer how long to wait for a server that does not answer yet; null for as long as it takes
 * @param serverTimeout how long a joined session may stay silent before the server is taken for gone
 * @param bufferBytes memory for partial blocks (and for stdout, for blocks waiting for an earlier one)
 */
public record ClientConfig(InetSocketAddress server, String name, Sha256 expectedSha256, Duration waitForServer,
                           Duration serverTimeout, long bufferBytes) {
    public static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_BUFFER_BYTES = 256L << 20;
}
