package dev.broadband.program.agent;

import dev.broadband.api.ImageBroadcast;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The cluster through fabric8's informers: the agent's own Node, and the ImageBroadcasts of the namespaces it
 * serves (all when none are named). Reads only, with the chart's agent ServiceAccount.
 */
public final class KubernetesCluster implements Cluster {
    /** The key inside a broadcast's Secret (the operator's KeySecretFactory writes it). */
    static final String KEY = "key";

    private final KubernetesClient client;
    private final String node;
    private final List<String> namespaces;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<Node> nodeInformer;

    public KubernetesCluster(KubernetesClient client, String node, List<String> namespaces) {
        this.client = client;
        this.node = node;
        this.namespaces = List.copyOf(namespaces);
    }

    @Override
    public Map<String, String> nodeLabels() throws IOException {
        Node n = nodeInformer != null && !nodeInformer.getStore().list().isEmpty()
                ? nodeInformer.getStore().list().get(0) : get();
        Map<String, String> labels = n.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private Node get() throws IOException {
        try {
            Node n = client.nodes().withName(node).get();
            if (n == null) {
                throw new IOException("node " + node + " does not exist: the agent's --name must be its node's name"
                        + " (the chart passes spec.nodeName)");
            }
            return n;
        } catch (KubernetesClientException e) {
            throw new IOException("cannot read node " + node + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] sessionKey(String namespace, String secret) throws IOException {
        try {
            Secret s = client.secrets().inNamespace(namespace).withName(secret).get();
            String encoded = s == null || s.getData() == null ? null : s.getData().get(KEY);
            if (encoded == null) {
                throw new IOException("Secret " + namespace + "/" + secret + " holds no session key ('" + KEY + "')");
            }
            return Base64.getDecoder().decode(encoded);
        } catch (KubernetesClientException e) {
            throw new IOException("cannot read Secret " + namespace + "/" + secret + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void watch(Listener listener) {
        nodeInformer = client.nodes().withField("metadata.name", node).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                listener.relabelled();
            }

            @Override
            public void onUpdate(Node before, Node after) {
                if (!java.util.Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())) {
                    listener.relabelled();
                }
            }

            @Override
            public void onDelete(Node n, boolean unknownFinalState) {}
        });
        informers.add(nodeInformer);
        ResourceEventHandler<ImageBroadcast> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ImageBroadcast b) {
                listener.changed(b);
            }

            @Override
            public void onUpdate(ImageBroadcast before, ImageBroadcast after) {
                listener.changed(after);
            }

            @Override
            public void onDelete(ImageBroadcast b, boolean unknownFinalState) {
                listener.deleted(b);
            }
        };
        if (namespaces.isEmpty()) {
            informers.add(client.resources(ImageBroadcast.class).inAnyNamespace().inform(handler));
        } else {
            for (String ns : namespaces) {
                informers.add(client.resources(ImageBroadcast.class).inNamespace(ns).inform(handler));
            }
        }
    }

    @Override
    public boolean watching() {
        return !informers.isEmpty() && informers.stream().allMatch(i -> i.isRunning() && i.hasSynced() && i.isWatching());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        client.close();
    }
}
