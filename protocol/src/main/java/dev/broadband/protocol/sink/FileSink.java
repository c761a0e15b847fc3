package dev.broadband.protocol.sink;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.DoubleConsumer;

/**
 * A regular file (created or overwritten, ending at exactly the image size) or a block device (written in place,
 * never truncated; refused as {@link DeviceCheck} says). Writes land at their offsets in any order.
 */
public final class FileSink implements Sink {
    private final FileChannel channel;
    private final Path path;
    private final long imageSize;
    private final ReadBackVerifier verifier;
    /** A regular file this sink truncated: its unwritten ranges already read as zeros. */
    private final boolean fresh;

    private FileSink(FileChannel channel, Path path, long imageSize, boolean fresh) {
        this.channel = channel;
        this.fresh = fresh;
        this.path = path;
        this.imageSize = imageSize;
        this.verifier = new ReadBackVerifier(channel, imageSize, path.toString());
    }

    /** Opens {@code path} for an image of {@code imageSize} bytes; the message of a refusal says what to do. */
    public static FileSink open(Path path, long imageSize) throws IOException {
        return open(path, imageSize, new DeviceCheck(BlockDevices.SYSTEM), false);
    }

    /**
     * As {@link #open}, but a regular file that exists keeps its bytes until they are overwritten: an earlier version
     * of the image, or an interrupted transfer of this one, whose chunks a delta transfer need not receive again.
     */
    public static FileSink openKeeping(Path path, long imageSize) throws IOException {
        return open(path, imageSize, new DeviceCheck(BlockDevices.SYSTEM), true);
    }

    /**
     * @param check what a block device must pass first, with the view of the mounts that counts here
     * @param keep keep an existing regular file's bytes (a device's are always kept until written)
     */
    public static FileSink open(Path path, long imageSize, DeviceCheck check, boolean keep) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory: give a file or a block device as --output");
        }
        if (BlockDevices.SYSTEM.isBlockDevice(path)) {
            check.check(path, imageSize);
            return new FileSink(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), path,
                    imageSize, false);
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot create " + path + ": directory " + parent + " does not exist");
        }
        boolean fresh = !keep || !Files.isRegularFile(path) || Files.size(path) == 0;
        FileChannel channel = fresh
                ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (imageSize > 0 && channel.size() < imageSize) {
            // At its size from the start: ranges left for zeros are holes that read back as zeros.
            channel.write(ByteBuffer.allocate(1), imageSize - 1);
        }
        return new FileSink(channel, path, imageSize, fresh);
    }

    @Override
    public boolean write(long offset, ByteBuffer data) throws IOException {
        long position = offset;
        while (data.hasRemaining()) {
            position += channel.write(data, position);
        }
        return true;
    }

    /** A fresh file keeps a hole there (sparse, like cp --sparse); a device or an old file is written. */
    @Override
    public void zero(long offset, int length) throws IOException {
        if (!fresh) {
            Sink.super.zero(offset, length);
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        FileChannels.readFully(channel, dst, offset,
                at -> path + " ended at " + at + " bytes while reading back a block");
    }

    @Override
    public boolean randomAccess() {
        return true;
    }

    @Override
    public boolean blank() {
        return fresh;
    }

    @Override
    public void completed(long offset, long length) {
        verifier.completed(offset, length);
    }

    /** Every chunk is fsynced before it is read back and hashed; the last ones here, the rest while receiving. */
    @Override
    public Sha256 finish(DoubleConsumer progress) throws IOException {
        if (!BlockDevices.SYSTEM.isBlockDevice(path) && channel.size() != imageSize) {
            channel.truncate(imageSize);
            if (channel.size() < imageSize) {
                throw new IOException(path + " has " + channel.size() + " bytes after the transfer, not " + imageSize);
            }
        }
        return verifier.finish(progress);
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
