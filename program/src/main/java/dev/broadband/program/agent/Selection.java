package dev.broadband.program.agent;

import dev.broadband.api.AfterWrite;
import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.api.NodeStatus;
import dev.broadband.protocol.session.Sha256;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a broadcast asks this node for anything now: it targets the node, its sender is up (the
 * status names its address, control port and session), it has not finished, and the sender has not already counted
 * this node as done. Reads only; the operator is the status's one writer.
 */
public final class Selection {
    private Selection() {}

    /**
     * The operator takes the target nodes once, when it creates the sender, and records them in the status; until
     * then, and for a status of an older operator, the selector decides.
     */
    public static boolean selects(ImageBroadcast broadcast, String node, Map<String, String> nodeLabels) {
        List<String> frozen = broadcast.getStatus() == null ? null : broadcast.getStatus().getTargetNodes();
        if (frozen != null) {
            return frozen.contains(node);
        }
        Map<String, String> selector = broadcast.getSpec() == null ? null : broadcast.getSpec().getTargetNodeSelector();
        return selector != null && !selector.isEmpty() && nodeLabels.entrySet().containsAll(selector.entrySet());
    }

    public static Optional<Assignment> of(ImageBroadcast broadcast, String node, Map<String, String> nodeLabels) {
        ImageBroadcastStatus status = broadcast.getStatus();
        if (!selects(broadcast, node, nodeLabels) || status == null || status.getPhase() == null) {
            return Optional.empty();
        }
        BroadcastPhase phase = status.getPhase();
        boolean senderUp = phase == BroadcastPhase.WAITING || phase == BroadcastPhase.BROADCASTING
                || phase == BroadcastPhase.VERIFYING;
        if (!senderUp || status.getSenderAddress() == null || status.getControlPort() == null
                || status.getSession() == null) {
            return Optional.empty();
        }
        for (NodeStatus n : status.getNodeStatuses()) {
            if (node.equals(n.getName()) && n.getPhase() != null && n.getPhase().isFinished()) {
                return Optional.empty();
            }
        }
        String namespace = broadcast.getMetadata().getNamespace();
        // The operator's copy in its own namespace, where it made one; else the sender's, beside the broadcast.
        String agentKey = status.getAgentKeySecret();
        int slash = agentKey == null ? -1 : agentKey.indexOf('/');
        return Optional.of(new Assignment(namespace + "/" + broadcast.getMetadata().getName(),
                slash > 0 ? agentKey.substring(0, slash) : namespace,
                status.getSession(), new InetSocketAddress(status.getSenderAddress(), status.getControlPort()),
                slash > 0 ? agentKey.substring(slash + 1) : status.getKeySecret(), Path.of(broadcast.getSpec().getTargetDevice()), declaredSha256(broadcast),
                Boolean.TRUE.equals(broadcast.getSpec().getDryRun()),
                broadcast.getSpec().getAfterWrite() == AfterWrite.REBOOT,
                !Boolean.FALSE.equals(broadcast.getSpec().getDelta())));
    }

    /**
     * The digest the broadcast's source declares ("sha256:<hex>"): the agent then writes nothing before the sender
     * announces that very image, and succeeds only when its disk hashes to it, so a sender serving other data than
     * the user named (a changed file, a bad download) fails on every node instead of imaging them.
     */
    static Sha256 declaredSha256(ImageBroadcast broadcast) {
        String declared = broadcast.getSpec().getSource() == null ? null : broadcast.getSpec().getSource().getSha256();
        return declared == null ? null : Sha256.parse(declared);
    }
}
