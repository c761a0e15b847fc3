package dev.broadband.protocol.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.sender.EncodedImage;
import dev.broadband.protocol.sender.ImageEncoder;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.session.Sha256;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink on real block devices (loop devices). Needs root. */
class BlockDeviceIT {
    @TempDir
    Path dir;

    @BeforeEach
    void root() {
        assumeTrue("root".equals(System.getProperty("user.name")), "loop devices need root");
    }

    private Path backing(String name, long size, byte fill) throws Exception {
        return LoopDevice.backingFile(dir.resolve(name), size, fill);
    }

    @Test
    void writesTheImageInPlaceWithoutTruncatingAndReadsItBackForTheHash() throws Exception {
        byte[] image = new byte[3 << 20];
        new SplittableRandom(1).nextBytes(image);
        Path file = backing("disk", 4 << 20, (byte) 0x5A);
        try (LoopDevice loop = LoopDevice.over(file); FileSink sink = FileSink.open(loop.device, image.length)) {
            assertThat(BlockDevices.SYSTEM.isBlockDevice(loop.device)).isTrue();
            assertThat(BlockDevices.SYSTEM.size(loop.device)).isEqualTo(4 << 20);
            sink.write(1 << 20, ByteBuffer.wrap(image, 1 << 20, 2 << 20));
            sink.write(0, ByteBuffer.wrap(image, 0, 1 << 20));
            assertThat(sink.finish(f -> {})).isEqualTo(Sha256.of(MessageDigest.getInstance("SHA-256").digest(image)));
        }
        byte[] disk = Files.readAllBytes(file);
        assertThat(disk).hasSize(4 << 20);
        assertThat(java.util.Arrays.copyOf(disk, image.length)).isEqualTo(image);
        assertThat(disk[image.length]).as("the rest of the device is untouched").isEqualTo((byte) 0x5A);
    }

    @Test
    void anImageSentAsChunksIsDecodedOntoTheDeviceItsZeroChunksZeroedOverWhatTheDeviceHeld() throws Exception {
        byte[] image = new byte[3 << 20];
        new SplittableRandom(2).nextBytes(image);
        java.util.Arrays.fill(image, 1 << 20, 2 << 20, (byte) 0);
        for (int i = 2 << 20; i < image.length; i++) {
            image[i] = (byte) ('a' + i % 7);
        }
        Path source = dir.resolve("image");
        Files.write(source, image);
        Path file = backing("disk", 4 << 20, (byte) 0x5A);
        try (EncodedImage encoded = ImageEncoder.encode(ImageSource.open(source), dir);
             LoopDevice loop = LoopDevice.over(file);
             DecodingSink sink = new DecodingSink(FileSink.open(loop.device, image.length), encoded.encoding(),
                     encoded.size(), 1 << 20)) {
            assertThat(encoded.manifest().rawBytesIn(ChunkEncoding.ZERO)).isEqualTo(1 << 20);
            ByteBuffer stream = ByteBuffer.allocate((int) encoded.size());
            encoded.read(0, stream.capacity(), stream);
            assertThat(sink.write(0, stream)).isTrue();
            assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        }
        byte[] disk = Files.readAllBytes(file);
        assertThat(java.util.Arrays.copyOf(disk, image.length)).isEqualTo(image);
        assertThat(disk[image.length]).as("the rest of the device is untouched").isEqualTo((byte) 0x5A);
    }

    @Test
    void aDeviceHoldingThePreviousVersionKeepsTheChunksThatMatchAndEndsAsTheImage() throws Exception {
        byte[] image = new byte[4 << 20];
        new SplittableRandom(3).nextBytes(image);
        java.util.Arrays.fill(image, 1 << 20, 2 << 20, (byte) 0);
        for (int i = 2 << 20; i < 3 << 20; i++) {
            image[i] = (byte) ('a' + i % 7);
        }
        byte[] previous = image.clone();
        previous[(3 << 20) + 17] ^= 1;
        Path source = dir.resolve("image");
        Files.write(source, image);
        Path file = backing("disk", 5 << 20, (byte) 0x5A);
        try (java.nio.channels.FileChannel disk = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            disk.write(ByteBuffer.wrap(previous), 0);
        }
        try (EncodedImage encoded = ImageEncoder.encode(ImageSource.open(source), dir);
             LoopDevice loop = LoopDevice.over(file);
             DecodingSink sink = new DecodingSink(FileSink.open(loop.device, image.length), encoded.encoding(),
                     encoded.size(), 64L << 20, true)) {
            ByteBuffer stream = ByteBuffer.allocate((int) encoded.size());
            encoded.read(0, stream.capacity(), stream);
            assertThat(sink.write(0, stream)).isTrue();
            Survey survey = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (survey == null) {
                assertThat(System.nanoTime()).as("survey within 30 s").isLessThan(deadline);
                Thread.sleep(10);
                survey = sink.survey();
            }
            assertThat(survey.lacking().stream().toArray()).containsExactly(3);
            assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        }
        byte[] disk = Files.readAllBytes(file);
        assertThat(java.util.Arrays.copyOf(disk, image.length)).isEqualTo(image);
        assertThat(disk[image.length]).as("the rest of the device is untouched").isEqualTo((byte) 0x5A);
    }

    @Test
    void aDeviceSmallerThanTheImageIsRefusedAndLeftAlone() throws Exception {
        Path file = backing("small", 1 << 20, (byte) 7);
        try (LoopDevice loop = LoopDevice.over(file)) {
            assertThatThrownBy(() -> FileSink.open(loop.device, 2 << 20))
                    .hasMessageContaining("holds 1.0 MiB").hasMessageContaining("needs 2097152 bytes");
        }
        assertThat(Files.readAllBytes(file)).containsOnly(7);
    }

    @Test
    void aMountedDeviceIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")) || Files.isExecutable(Path.of("/sbin/mkfs.ext4")),
                "mkfs.ext4 missing");
        Path file = backing("mounted", 8 << 20, (byte) 0);
        Path mountPoint = Files.createDirectory(dir.resolve("mnt"));
        try (LoopDevice loop = LoopDevice.over(file)) {
            LoopDevice.run("mkfs.ext4", "-q", loop.device.toString());
            LoopDevice.run("mount", loop.device.toString(), mountPoint.toString());
            try {
                assertThatThrownBy(() -> FileSink.open(loop.device, 1 << 20))
                        .hasMessageContaining("is mounted at " + mountPoint).hasMessageContaining("unmount it first");
            } finally {
                LoopDevice.run("umount", mountPoint.toString());
            }
        }
    }

    private static void assumeTool(String name) {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name))
                || Files.isExecutable(Path.of("/usr/bin", name)), name + " missing");
    }

    @Test
    void aDiskWithAMountedPartitionIsRefusedNamingThePartitionAndLeftAlone() throws Exception {
        assumeTool("sfdisk");
        assumeTool("mkfs.ext4");
        Path file = backing("partitioned", 16 << 20, (byte) 0);
        Path mountPoint = Files.createDirectory(dir.resolve("data"));
        try (LoopDevice loop = LoopDevice.over(file, "--partscan")) {
            LoopDevice.runWithInput("start=2048, size=8192, type=83\n", "sfdisk", "--quiet", loop.device.toString());
            LoopDevice.run("partx", "--update", loop.device.toString());
            Path partition = Path.of(loop.device + "p1");
            LoopDevice.run("mkfs.ext4", "-q", partition.toString());
            // What a 1 MiB image would overwrite: the partition table and the gap before the partition.
            byte[] before = java.util.Arrays.copyOf(Files.readAllBytes(file), 1 << 20);
            LoopDevice.run("mount", partition.toString(), mountPoint.toString());
            try {
                assertThatThrownBy(() -> FileSink.open(loop.device, 1 << 20))
                        .hasMessageContaining("is mounted at " + mountPoint + " (" + partition + ")")
                        .hasMessageContaining("unmount it first");
            } finally {
                LoopDevice.run("umount", mountPoint.toString());
            }
            byte[] after = java.util.Arrays.copyOf(Files.readAllBytes(file), 1 << 20);
            assertThat(java.util.Arrays.equals(after, before)).as("the partition table is as it was").isTrue();
        }
    }

    @Test
    void aReadOnlyDeviceIsRefused() throws Exception {
        Path file = backing("readonly", 2 << 20, (byte) 3);
        try (LoopDevice loop = LoopDevice.over(file, "--read-only")) {
            assertThatThrownBy(() -> FileSink.open(loop.device, 1 << 20)).hasMessageContaining("is read-only");
        }
    }

    @Test
    void aDeviceInUseAsSwapIsRefused() throws Exception {
        assumeTool("mkswap");
        Path file = backing("swap", 8 << 20, (byte) 0);
        try (LoopDevice loop = LoopDevice.over(file)) {
            LoopDevice.run("mkswap", loop.device.toString());
            assumeTrue(LoopDevice.succeeds("swapon", loop.device.toString()), "swapon refused here");
            try {
                assertThatThrownBy(() -> FileSink.open(loop.device, 1 << 20))
                        .hasMessageContaining("is in use as swap (" + loop.device + ")");
            } finally {
                LoopDevice.run("swapoff", loop.device.toString());
            }
        }
    }

    @Test
    void aStablePathIsWrittenAsTheDeviceItLeadsTo() throws Exception {
        byte[] image = new byte[1 << 20];
        new SplittableRandom(2).nextBytes(image);
        Path file = backing("stable", 2 << 20, (byte) 0);
        try (LoopDevice loop = LoopDevice.over(file)) {
            // As /dev/disk/by-id/... leads to /dev/sdb.
            Path byId = Files.createSymbolicLink(dir.resolve("usb-Example_Disk_0001"), loop.device);
            try (FileSink sink = FileSink.open(byId, image.length)) {
                sink.write(0, ByteBuffer.wrap(image));
                sink.finish(f -> {});
            }
            assertThatThrownBy(() -> FileSink.open(byId, 4 << 20))
                    .hasMessageStartingWith("device " + loop.device + " (" + byId + ") holds 2.0 MiB");
        }
        assertThat(java.util.Arrays.copyOf(Files.readAllBytes(file), image.length)).isEqualTo(image);
    }

    @Test
    void afterAnImageWithAPartitionTableIsWrittenTheKernelShowsItsPartitions() throws Exception {
        assumeTool("sfdisk");
        // The image: a disk of its own with one partition.
        Path image = backing("with-table.img", 8 << 20, (byte) 0);
        LoopDevice.runWithInput("start=2048, size=4096, type=83\n", "sfdisk", "--quiet", image.toString());
        Path file = backing("target", 8 << 20, (byte) 0);
        try (LoopDevice loop = LoopDevice.over(file, "--partscan")) {
            Path partition = Path.of(loop.device + "p1");
            assertThat(partition).as("no partition before").doesNotExist();
            try (FileSink sink = FileSink.open(loop.device, Files.size(image))) {
                sink.write(0, ByteBuffer.wrap(Files.readAllBytes(image)));
                sink.finish(f -> {});
            }
            assertThat(PartitionTable.reread(loop.device)).isNull();
            assertThat(partition).as("the image's partition, without a reboot").exists();
        }
    }
}
