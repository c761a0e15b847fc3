package dev.broadband.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRD that fabric8's crd-generator-maven-plugin writes from the classes, and the copies
 * committed under crds/ and charts/broadband/crds/ that users install. The copies differ from the
 * generated file in one way: the generator sorts printer columns by JSON path, which would put Age
 * first, so the copies list them as the annotations on {@link ImageBroadcast} do.
 */
class GeneratedCrdTest {

  static final String FILE = ImageBroadcast.CRD_NAME + "-v1.yml";
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE);
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final String REFRESH = "stale CRD copy: run `mvn -pl api test -Pupdate-crds` "
      + "and commit crds/ and charts/broadband/crds/";
  static final List<Path> COPIES = List.of(REPO.resolve("crds").resolve(FILE),
      REPO.resolve("charts/broadband/crds").resolve(FILE));

  static CustomResourceDefinition crd;
  static JSONSchemaProps spec;

  @BeforeAll
  static void load() throws IOException {
    crd = Serialization.unmarshal(Files.readString(GENERATED), CustomResourceDefinition.class);
    spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  /** The generated CRD with its printer columns in the order they are declared. */
  static String published() {
    List<String> declared = Arrays.stream(ImageBroadcast.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    CustomResourceDefinition copy = Serialization.clone(crd);
    copy.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
        .sort(Comparator.comparingInt(c -> declared.indexOf(c.getName()))));
    return Serialization.asYaml(copy);
  }

  @Test
  void committedCopiesMatchTheGeneratedCrd() throws IOException {
    String published = published();
    if (Boolean.getBoolean("broadband.updateCrds")) {
      for (Path copy : COPIES) {
        Files.writeString(copy, published);
      }
    }
    for (Path copy : COPIES) {
      assertThat(Files.readString(copy)).as(REFRESH).isEqualTo(published);
    }
  }

  @Test
  void usersSeeNamePhaseProgressNodesRateAge() throws IOException {
    CustomResourceDefinition committed = Serialization.unmarshal(Files.readString(COPIES.get(0)),
        CustomResourceDefinition.class);
    assertThat(committed.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Phase", "Progress", "Nodes", "Rate", "Age");
  }

  @Test
  void isNamespacedWithShortNamesAndStatusSubresource() {
    assertThat(crd.getMetadata().getName()).isEqualTo("imagebroadcasts.broadband.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).contains("ib");
    assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo("v1alpha1");
      assertThat(v.getSubresources().getStatus()).isNotNull();
    });
  }

  @Test
  void printerColumnsArePhaseProgressNodesRateAge() {
    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(columns).extracting(CustomResourceColumnDefinition::getName)
        .containsExactlyInAnyOrder("Phase", "Progress", "Nodes", "Rate", "Age");
    assertThat(columns).filteredOn(c -> c.getName().equals("Age")).singleElement()
        .satisfies(c -> {
          assertThat(c.getJsonPath()).isEqualTo(".metadata.creationTimestamp");
          assertThat(c.getType()).isEqualTo("date");
        });
    assertThat(columns).filteredOn(c -> c.getName().equals("Progress")).singleElement()
        .extracting(CustomResourceColumnDefinition::getJsonPath).isEqualTo(".status.progress");
  }

  @Test
  void specIsImmutable() {
    assertThat(spec.getXKubernetesValidations()).extracting(ValidationRule::getRule)
        .containsExactly("self == oldSelf");
  }

  @Test
  void schemaValidatesWhatItCan() {
    Map<String, JSONSchemaProps> p = spec.getProperties();
    assertThat(spec.getRequired()).containsExactlyInAnyOrder("source", "targetNodeSelector", "targetDevice", "address");
    assertThat(p.get("rate").getPattern()).isEqualTo(ImageBroadcastSpec.RATE_PATTERN);
    assertThat(p.get("startTimeout").getPattern()).isEqualTo(ImageBroadcastSpec.DURATION_PATTERN);
    assertThat(p.get("minReceivers").getMinimum()).isEqualTo(1.0);
    assertThat(p.get("ttlSecondsAfterFinished").getMinimum()).isEqualTo(0.0);
    assertThat(p.get("targetNodeSelector").getMinProperties()).isEqualTo(1L);
    JSONSchemaProps source = p.get("source");
    assertThat(source.getXKubernetesValidations()).extracting(ValidationRule::getMessage)
        .contains("set exactly one of url, hostPath or pvc");
    assertThat(source.getProperties().get("sha256").getPattern()).isEqualTo(ImageSource.SHA256_PATTERN);
    JSONSchemaProps status = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("status");
    assertThat(status.getProperties().get("phase").getEnum()).extracting(Object::toString)
        .containsExactlyInAnyOrder("\"Pending\"", "\"Preparing\"", "\"Waiting\"", "\"Broadcasting\"",
            "\"Verifying\"", "\"Succeeded\"", "\"Failed\"");
  }

  @Test
  void patternsAreRe2Compatible() throws IOException {
    // The API server compiles patterns with Go's RE2, which rejects look-arounds and backreferences.
    String yaml = Files.readString(GENERATED);
    assertThat(yaml).doesNotContain("(?=").doesNotContain("(?!").doesNotContain("(?<");
  }

  @Test
  void phasesSerializeInKubernetesStyle() {
    ImageBroadcastStatus status = new ImageBroadcastStatus();
    status.setPhase(BroadcastPhase.BROADCASTING);
    assertThat(Serialization.asJson(status)).contains("\"phase\":\"Broadcasting\"");
    assertThat(BroadcastPhase.BROADCASTING.displayName()).isEqualTo("Broadcasting");
    assertThat(Serialization.unmarshal("{\"phase\":\"Verifying\"}", ImageBroadcastStatus.class).getPhase())
        .isEqualTo(BroadcastPhase.VERIFYING);
  }
}
