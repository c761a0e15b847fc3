package dev.broadband.protocol.sender;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.BlockDevices;
import dev.broadband.protocol.sink.FileChannels;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.DoubleConsumer;

/**
 * The file the image comes from: a seekable file (given by path, or as stdin) read at any offset. It holds the raw
 * image, or the image compressed whole ({@link #format}), which only an encoder can read, from its start.
 */
public final class ImageSource implements StreamSource {
    private final FileChannel channel;
    private final long size;
    private final String description;
    private final ImageFormat format;

    private ImageSource(FileChannel channel, long size, String description) throws IOException {
        this.channel = channel;
        this.size = size;
        this.description = description;
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(ImageFormat.MAGIC_BYTES, size));
        FileChannels.readFully(channel, head, 0, at -> description + " ended at " + at + " bytes while reading its"
                + " first ones");
        this.format = ImageFormat.of(Arrays.copyOf(head.array(), head.position()));
    }

    public static ImageSource open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not an image");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new ImageSource(channel, sizeOf(channel, file), file.toString());
    }

    /**
     * Stdin as the image. It must be seekable (a redirected file is): the carousel reads blocks again for late
     * joiners and repairs. A pipe is refused here, before any network activity.
     */
    public static ImageSource stdin() throws IOException {
        FileChannel channel = new FileInputStream(FileDescriptor.in).getChannel();
        try {
            channel.position(0);
        } catch (IOException e) {
            throw new NotSeekableException();
        }
        return new ImageSource(channel, sizeOf(channel, Path.of("/proc/self/fd/0")), "stdin");
    }

    /** Stdin is a pipe or a terminal. */
    public static final class NotSeekableException extends IOException {
        NotSeekableException() {
            super("stdin is a pipe, not a seekable file: redirect a file ('< image.raw') or give --file image.raw");
        }
    }

    private static long sizeOf(FileChannel channel, Path path) throws IOException {
        // fstat reports size 0 for a block device: an image may be read straight from a disk.
        return BlockDevices.SYSTEM.isBlockDevice(path) ? BlockDevices.SYSTEM.size(path) : channel.size();
    }

    @Override
    public ImageEncoding encoding() {
        return null;
    }

    @Override
    public ImageFormat format() {
        return format;
    }

    /** The file's bytes from its start, read in order: what a compressed image is decompressed from. */
    InputStream stream() throws IOException {
        return new BufferedInputStream(Channels.newInputStream(channel.position(0)), 1 << 20);
    }

    @Override
    public Sha256 imageSha256() {
        return null;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void read(long offset, int length, ByteBuffer dst) throws IOException {
        dst.clear().limit(length);
        FileChannels.readFully(channel, dst, offset, at -> description + " ended at " + at
                + " bytes, before its announced size " + size + ": was it changed while being sent?");
        dst.flip();
    }

    /** SHA-256 of the file's bytes (the image's, when it is raw), reporting progress (0..1) as it goes. */
    public Sha256 digest(DoubleConsumer progress) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
        for (long offset = 0; offset < size; ) {
            int n = (int) Math.min(buffer.capacity(), size - offset);
            read(offset, n, buffer);
            Sha256.update(digest, buffer);
            offset += n;
            progress.accept((double) offset / size);
        }
        return Sha256.of(digest.digest());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
