package io.streamtune.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

  private static final ModelMetadata METADATA =
      new ModelMetadata(
          "credit",
          3,
          "mlp[32,16]",
          List.of("no", "yes"),
          List.of("age", "income", "job=a", "job=<unseen>"),
          4,
          List.of(32, 16),
          42L,
          "2026-01-02T03:04:05Z");

  @Test
  void jsonRoundTripKeepsEveryField() {
    String json = METADATA.toJson();

    assertThat(json).contains("\"modelId\" : \"credit\"").contains("\"hiddenUnits\" : [ 32, 16 ]");
    assertThat(ModelMetadata.fromJson(json)).isEqualTo(METADATA);
    assertThat(ModelMetadata.fromJson(json).numClasses()).isEqualTo(2);
  }

  @Test
  void jsonWithUnknownOrMissingFieldsIsRejected() {
    String json = METADATA.toJson();

    assertThatThrownBy(() -> ModelMetadata.fromJson(json.replace("{", "{\"colour\" : 1,")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> ModelMetadata.fromJson(json.replace("\"seed\"", "\"sead\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seed");
    assertThatThrownBy(() -> ModelMetadata.fromJson("{\"modelId\":\"m\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inconsistentMetadataIsRejected() {
    assertThatThrownBy(
            () ->
                new ModelMetadata(
                    "m", 1, "mlp[]", List.of("a", "b"), List.of("x"), 2, List.of(), 1L, "t"))
        .hasMessageContaining("featureNames has 1 names but featureCount is 2");
    assertThatThrownBy(
            () -> new ModelMetadata("m", 0, "mlp[]", List.of("a", "b"), null, 2, null, 1L, "t"))
        .hasMessageContaining("version must be >= 1");
    assertThatThrownBy(
            () -> new ModelMetadata("m", 1, "mlp[]", List.of("a"), null, 2, null, 1L, "t"))
        .hasMessageContaining("at least two labels");
  }

  @Test
  void architectureNamesTheHiddenLayers() {
    assertThat(MlpClassifier.architecture(List.of(32, 16))).isEqualTo("mlp[32,16]");
    assertThat(MlpClassifier.architecture(List.of())).isEqualTo("mlp[]");
  }
}
