package dev.broadband.program.cli;

import dev.broadband.protocol.wire.PacketAuthenticator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a session key: a file of at least 32 random bytes that both ends are given. */
final class KeyFile {
    private KeyFile() {}

    static PacketAuthenticator read(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("key file " + file + " does not exist");
        }
        if (key.length < PacketAuthenticator.MIN_KEY_BYTES) {
            throw new IOException("key file " + file + " has " + key.length + " bytes; it needs at least "
                    + PacketAuthenticator.MIN_KEY_BYTES + " random bytes (head -c 32 /dev/urandom > " + file + ")");
        }
        return new PacketAuthenticator(key);
    }
}
