package dev.broadband.program.cli;

import dev.broadband.program.agent.DeviceGuard;
import dev.broadband.program.agent.HealthEndpoint;
import dev.broadband.program.agent.KubernetesCluster;
import dev.broadband.program.agent.NodeAgent;
import dev.broadband.protocol.sink.BlockDevices;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The node agent: receives the ImageBroadcasts that select this node and writes their image to"
                + " the node's device. Runs on every node that may be imaged (the chart's DaemonSet), on the host"
                + " network, with /dev and the host's /proc mounted. Reads the cluster with its pod's"
                + " ServiceAccount (or a kubeconfig)."})
final class AgentCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--name", required = true, paramLabel = "NODE",
            description = "This node's name: selects by its labels, and joins senders as it.")
    String name;

    @Option(names = "--allowed-devices", required = true, split = ",", paramLabel = "GLOB",
            description = "Devices the agent may write, e.g. /dev/sd[b-z],/dev/nvme[1-9]n1; nothing else is ever"
                    + " written, and never a device in use.")
    List<String> allowedDevices;

    @Option(names = "--host-proc", paramLabel = "DIR", defaultValue = "/proc",
            description = "The host's /proc, for mounts and swap as the host sees them (default ${DEFAULT-VALUE}).")
    Path hostProc;

    @Option(names = "--reboot-sentinel", paramLabel = "FILE", defaultValue = "/var/run/reboot-required",
            description = "The host's reboot-required file, written after a verified write when the broadcast says"
                    + " afterWrite: Reboot; kured watches it (default ${DEFAULT-VALUE}).")
    Path rebootSentinel;

    @Option(names = "--health-port", paramLabel = "P",
            description = "Serve the kubelet's probes on this TCP port: /healthz while the agent runs, /readyz while it"
                    + " watches the cluster (default: none).")
    Integer healthPort;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "A namespace whose broadcasts this agent serves; repeat for more (default: all).")
    List<String> namespaces = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        DeviceGuard guard = new DeviceGuard(allowedDevices, BlockDevices.ofHost(hostProc), name);
        KubernetesCluster cluster = new KubernetesCluster(new KubernetesClientBuilder().build(), name, namespaces);
        CountDownLatch stopped = new CountDownLatch(1);
        try (NodeAgent agent = new NodeAgent(name, cluster, guard, rebootSentinel);
             HealthEndpoint health = healthPort == null ? null : new HealthEndpoint(healthPort, cluster::watching)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "agent-stop"));
            agent.start();
            stopped.await();
        }
        return 0;
    }
}
