package dev.broadband.protocol.receiver;

import dev.broadband.protocol.sink.Sink;
import java.io.IOException;

/** Opens the sink once the image size is known; its refusal (device too small, mounted) ends the client. */
@FunctionalInterface
public interface SinkFactory {
    Sink open(long imageSize, long bufferBytes) throws IOException;

    /**
     * A dry run: every check {@link #open} makes, without opening anything.
     * @return what would be written where, for the person who asked
     * @throws IOException the refusal {@link #open} would give
     */
    default String dryRun(long imageSize) throws IOException {
        throw new IOException("this target cannot be checked without writing it: a dry run needs a device");
    }
}
