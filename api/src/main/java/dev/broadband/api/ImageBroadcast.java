package dev.broadband.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One transfer of one disk image to every node matching a selector. Like a Job it runs once:
 * the spec is immutable, and imaging again means creating a new resource.
 */
@Group(ImageBroadcast.GROUP)
@Version(ImageBroadcast.VERSION)
@Kind(ImageBroadcast.KIND)
@Plural(ImageBroadcast.PLURAL)
@Singular("imagebroadcast")
@ShortNames({"ib", "ibc"})
// Setting printer columns drops kubectl's default Age column, so Age is listed explicitly.
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodes", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Rate", jsonPath = ".status.rate", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ImageBroadcast extends CustomResource<ImageBroadcastSpec, ImageBroadcastStatus>
    implements Namespaced {

  public static final String GROUP = "broadband.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "ImageBroadcast";
  public static final String PLURAL = "imagebroadcasts";
  /** The name of the generated CRD, and of its YAML file under crds/ (plus "-v1.yml"). */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  public ImageBroadcast() {
    super();
  }

  public ImageBroadcast(String namespace, String name, ImageBroadcastSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  protected ImageBroadcastStatus initStatus() {
    return null;
  }
}
