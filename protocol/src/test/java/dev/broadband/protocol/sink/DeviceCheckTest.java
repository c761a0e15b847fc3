package dev.broadband.protocol.sink;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal against sysfs and procfs laid out as a machine with partitions, swap, LVM and RAID shows them:
 * a disk sdb of 1 GiB (8:16) with partitions sdb1 (8:17) and sdb2 (8:18).
 */
class DeviceCheckTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path root;
    private Path sys;
    private Path proc;
    private Path sdb;
    private DeviceCheck check;

    @BeforeEach
    void machine() throws IOException {
        sys = Files.createDirectories(root.resolve("sys/class/block"));
        proc = Files.createDirectories(root.resolve("proc/self")).getParent();
        Files.writeString(proc.resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
        Files.writeString(proc.resolve("self/mountinfo"),
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                        + "30 22 0:25 / /proc rw shared:12 - proc proc rw\n");
        disk("sda", "8:0", GIB);
        disk("sdb", "8:16", GIB);
        partition("sdb", "sdb1", "8:17");
        partition("sdb", "sdb2", "8:18");
        Path dev = Files.createDirectories(root.resolve("dev"));
        sdb = Files.createFile(dev.resolve("sdb"));
        check = new DeviceCheck(new BlockDevices(root.resolve("sys"), proc.resolve("self/mountinfo"),
                proc.resolve("swaps")));
    }

    private void disk(String name, String number, long bytes) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name));
        Files.writeString(d.resolve("dev"), number + "\n");
        Files.writeString(d.resolve("size"), bytes / 512 + "\n");
        Files.writeString(d.resolve("ro"), "0\n");
        Files.createDirectories(d.resolve("holders"));
    }

    private void partition(String disk, String name, String number) throws IOException {
        Path p = Files.createDirectories(sys.resolve(disk).resolve(name));
        Files.writeString(p.resolve("partition"), "1\n");
        Files.writeString(p.resolve("dev"), number + "\n");
        Files.createDirectories(p.resolve("holders"));
        // The class directory has an entry of its own for every partition too.
        Files.createSymbolicLink(sys.resolve(name), p);
    }

    @Test
    void anIdleDiskLargeEnoughPasses() {
        assertThatCode(() -> check.check(sdb, GIB)).doesNotThrowAnyException();
    }

    @Test
    void aMountedPartitionRefusesTheWholeDisk() throws IOException {
        Files.writeString(proc.resolve("self/mountinfo"), "41 22 8:18 / /var/lib/data rw - xfs /dev/sdb2 rw\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> check.check(sdb, GIB))
                .hasMessage("device /dev/sdb (" + sdb + ") is mounted at /var/lib/data (/dev/sdb2): unmount it first; broadband"
                        + " never writes a mounted device");
    }

    @Test
    void aMountPointWithASpaceIsNamedAsItIs() throws IOException {
        Files.writeString(proc.resolve("self/mountinfo"), "41 22 8:16 / /mnt/my\\040disk rw - ext4 /dev/sdb rw\n");
        assertThatThrownBy(() -> check.check(sdb, GIB)).hasMessageContaining("is mounted at /mnt/my disk (/dev/sdb)");
    }

    @Test
    void aPartitionInUseAsSwapIsRefused() throws IOException {
        Files.writeString(proc.resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n"
                + "/dev/sdb1                               partition\t2097148\t0\t-2\n");
        assertThatThrownBy(() -> check.check(sdb, GIB)).hasMessageContaining("is in use as swap (/dev/sdb1)")
                .hasMessageContaining("swapoff /dev/sdb1");
    }

    @Test
    void aPartitionHeldByLvmIsRefusedNamingTheVolume() throws IOException {
        Files.createDirectories(sys.resolve("sdb/sdb2/holders/dm-0"));
        Path dm = Files.createDirectories(sys.resolve("dm-0/dm"));
        Files.writeString(dm.resolve("name"), "vg0-root\n");
        assertThatThrownBy(() -> check.check(sdb, GIB))
                .hasMessageStartingWith("device /dev/sdb (" + sdb + ") (its partition sdb2) is held by dm-0 (device-mapper"
                        + " vg0-root): release it first");
    }

    @Test
    void aDiskInARaidArrayIsRefused() throws IOException {
        Files.createDirectories(sys.resolve("sdb/holders/md127"));
        assertThatThrownBy(() -> check.check(sdb, GIB)).hasMessageContaining("is held by md127 (RAID)");
    }

    @Test
    void aReadOnlyDiskIsRefused() throws IOException {
        Files.writeString(sys.resolve("sdb/ro"), "1\n");
        assertThatThrownBy(() -> check.check(sdb, GIB)).hasMessageContaining("is read-only");
    }

    @Test
    void aDiskSmallerThanTheImageIsRefused() {
        assertThatThrownBy(() -> check.check(sdb, GIB + 1))
                .hasMessageContaining("holds 1.00 GiB (1073741824 bytes) but the image needs 1073741825 bytes");
    }

    @Test
    void aStablePathIsCheckedAsTheDeviceItLeadsToAndNamedWithIt() throws IOException {
        Path byId = Files.createDirectories(root.resolve("dev/disk/by-id")).resolve("ata-SAMSUNG_SSD_1234");
        Files.createSymbolicLink(byId, sdb);
        Files.writeString(proc.resolve("self/mountinfo"), "41 22 8:16 / /boot rw - ext4 /dev/sdb rw\n");
        assertThatThrownBy(() -> check.check(byId, GIB))
                .hasMessageStartingWith("device /dev/sdb (" + byId + ") is mounted at /boot");
    }
}
