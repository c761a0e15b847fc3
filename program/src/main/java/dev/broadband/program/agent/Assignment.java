package dev.broadband.program.agent;

import dev.broadband.protocol.session.Sha256;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * What one broadcast asks of this node: join that sender's session as this node and write the image to the device.
 *
 * @param broadcast namespace/name of the ImageBroadcast
 * @param session the sender's session id, as the broadcast's status names it: a new sender is a new session
 * @param keyNamespace the namespace of that Secret
 * @param keySecret the Secret holding the session key (the operator's copy for agents where it made one); null for
 *     none
 * @param expectedSha256 the image's digest as the broadcast's source declares it; null when it declares none
 * @param dryRun check the device and say what would be written, writing nothing
 * @param reboot ask for a reboot once the disk verified
 * @param delta compare the device with the image's chunks first and receive only those it lacks
 */
public record Assignment(String broadcast, String keyNamespace, String session, InetSocketAddress sender,
                         String keySecret, Path device, Sha256 expectedSha256, boolean dryRun, boolean reboot,
                         boolean delta) {}
