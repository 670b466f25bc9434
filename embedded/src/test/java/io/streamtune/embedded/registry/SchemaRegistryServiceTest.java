package io.streamtune.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.embedded.registry.SchemaRegistryService.SchemaVersion;
import io.streamtune.embedded.registry.SchemaRegistryService.SubjectVersion;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SchemaRegistryServiceTest {

  static final String USER_V1 =
      "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
  static final String USER_V2_WITH_DEFAULT =
      "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
          + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}";
  static final String USER_B_NO_DEFAULT =
      "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
          + "{\"name\":\"b\",\"type\":\"string\"}]}";
  static final String USER_A_AS_STRING =
      "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
  static final String USER_ONLY_B =
      "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"b\",\"type\":\"string\"}]}";
  static final String OTHER =
      "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"z\",\"type\":\"long\"}]}";

  private final RegistryStorage.InMemory storage = RegistryStorage.inMemory();
  private final SchemaRegistryService service = new SchemaRegistryService(storage);

  @Test
  void idsAreGlobalAndReusedAcrossSubjects() {
    SchemaVersion first = service.register("a-value", USER_V1, null);
    SchemaVersion other = service.register("a-value-other", OTHER, "AVRO");
    // same schema, different whitespace and field order in the JSON object
    String reformatted =
        "{ \"fields\" : [ {\"type\":\"int\", \"name\":\"a\"} ], \"name\":\"User\", \"type\":\"record\" }";
    SchemaVersion sameUnderB = service.register("b-value", reformatted, null);

    assertThat(first.id()).isEqualTo(1);
    assertThat(other.id()).isEqualTo(2);
    assertThat(sameUnderB.id()).isEqualTo(first.id());
    assertThat(sameUnderB.version()).isEqualTo(1);
    assertThat(service.subjectVersionsOf(1))
        .containsExactly(new SubjectVersion("a-value", 1), new SubjectVersion("b-value", 1));
  }

  @Test
  void reRegisteringAnExistingSchemaReturnsItsVersionWithoutANewOne() {
    service.register("s", USER_V1, null);
    service.register("s", USER_V2_WITH_DEFAULT, null);
    int eventsBefore = storage.load().size();

    SchemaVersion again = service.register("s", USER_V1, null);

    assertThat(again.version()).isEqualTo(1);
    assertThat(again.id()).isEqualTo(1);
    assertThat(service.versions("s")).containsExactly(1, 2);
    assertThat(storage.load()).hasSize(eventsBefore);
  }

  @Test
  void backwardIsTheDefaultAndRejectsANewFieldWithoutDefault() {
    service.register("s", USER_V1, null);

    assertThat(service.effectiveCompatibility("s")).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThatThrownBy(() -> service.register("s", USER_B_NO_DEFAULT, null))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.getMessage())
                  .contains("READER_FIELD_MISSING_DEFAULT")
                  .contains("b")
                  .contains("subject \"s\"");
            });
    assertThat(service.versions("s")).containsExactly(1);
    SchemaVersion v2 = service.register("s", USER_V2_WITH_DEFAULT, null);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.id()).isEqualTo(2);
  }

  @Test
  void aChangedFieldTypeIsIncompatibleUnderBackward() {
    service.register("s", USER_V1, null);

    assertThat(service.testCompatibilityWithLatest("s", USER_A_AS_STRING, null))
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH");
  }

  @Test
  void forwardAllowsANewRequiredFieldButNotRemovingOne() {
    service.setSubjectCompatibility("s", CompatibilityLevel.FORWARD);
    service.register("s", USER_V1, null);

    SchemaVersion v2 = service.register("s", USER_B_NO_DEFAULT, null);
    assertThat(v2.version()).isEqualTo(2);
    // readers of version 2 need a, which has no default
    assertThatThrownBy(() -> service.register("s", USER_ONLY_B, "avro"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT"));
    // but an identical schema already under the subject is never re-checked
    assertThat(service.register("s", USER_B_NO_DEFAULT, null).version()).isEqualTo(2);
  }

  @Test
  void fullNeedsBothDirections() {
    service.setSubjectCompatibility("s", CompatibilityLevel.FULL);
    service.register("s", USER_V1, null);

    assertThat(service.testCompatibilityWithLatest("s", USER_B_NO_DEFAULT, null)).isNotEmpty();
    assertThat(service.testCompatibilityWithLatest("s", USER_V2_WITH_DEFAULT, null)).isEmpty();
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    service.register("plain", USER_V1, null);
    service.register("plain", USER_V2_WITH_DEFAULT, null);
    service.setSubjectCompatibility("transitive", CompatibilityLevel.BACKWARD_TRANSITIVE);
    service.register("transitive", USER_V1, null);
    service.register("transitive", USER_V2_WITH_DEFAULT, null);

    // v3 reads v2 data (b is there) but not v1 data (b missing, no default)
    assertThat(service.register("plain", USER_B_NO_DEFAULT, null).version()).isEqualTo(3);
    assertThatThrownBy(() -> service.register("transitive", USER_B_NO_DEFAULT, null))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
  }

  @Test
  void noneAllowsAnything() {
    service.register("s", USER_V1, null);
    service.setGlobalCompatibility(CompatibilityLevel.NONE);

    assertThat(service.register("s", USER_A_AS_STRING, null).version()).isEqualTo(2);
  }

  @Test
  void subjectLevelOverridesGlobal() {
    service.setGlobalCompatibility(CompatibilityLevel.NONE);
    service.setSubjectCompatibility("strict", CompatibilityLevel.FULL_TRANSITIVE);

    assertThat(service.effectiveCompatibility("strict"))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(service.effectiveCompatibility("other")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(service.subjectCompatibility("other")).isEmpty();
  }

  @Test
  void lookupFindsTheVersionOrSaysWhatIsMissing() {
    service.register("s", USER_V1, null);
    service.register("s", USER_V2_WITH_DEFAULT, null);

    assertThat(service.lookup("s", USER_V2_WITH_DEFAULT, null))
        .isEqualTo(
            new SchemaVersion(
                "s", 2, 2, SchemaRegistryService.parse(USER_V2_WITH_DEFAULT, null).toString()));
    assertThatThrownBy(() -> service.lookup("s", OTHER, null))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> service.lookup("nope", USER_V1, null))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
  }

  @Test
  void unknownIdsSubjectsAndVersionsHaveTheirOwnErrors() {
    service.register("s", USER_V1, null);

    assertThat(errorCode(() -> service.schemaById(99))).isEqualTo(40403);
    assertThat(errorCode(() -> service.latest("nope"))).isEqualTo(40401);
    assertThat(errorCode(() -> service.version("s", 7))).isEqualTo(40402);
  }

  @Test
  void invalidAndNonAvroSchemasAreRejectedWith42201() {
    assertThatThrownBy(() -> service.register("s", "{\"type\":\"record\"}", null))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(42201);
              assertThat(e.httpStatus()).isEqualTo(422);
            });
    assertThatThrownBy(() -> service.register("s", "syntax = \"proto3\";", "PROTOBUF"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(42201);
              assertThat(e.getMessage()).contains("PROTOBUF").contains("only AVRO");
            });
    assertThat(service.subjects()).isEmpty();
  }

  @Test
  void invalidCompatibilityLevelNamesTheAllowedOnes() {
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(42203);
              assertThat(e.getMessage()).contains("SIDEWAYS").contains("FULL_TRANSITIVE");
            });
    assertThat(CompatibilityLevel.parse("backward_transitive"))
        .isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
  }

  @Test
  void aNewServiceOnTheSameStorageServesTheSameState() {
    service.register("a", USER_V1, null);
    service.register("b", OTHER, null);
    service.register("a", USER_V2_WITH_DEFAULT, null);
    service.setSubjectCompatibility("a", CompatibilityLevel.FULL);
    service.setGlobalCompatibility(CompatibilityLevel.FORWARD);

    SchemaRegistryService restarted = new SchemaRegistryService(storage);

    assertThat(restarted.subjects()).containsExactly("a", "b");
    assertThat(restarted.latest("a")).isEqualTo(service.latest("a"));
    assertThat(restarted.version("a", 1)).isEqualTo(service.version("a", 1));
    assertThat(restarted.latest("b").id()).isEqualTo(2);
    assertThat(restarted.subjectCompatibility("a")).contains(CompatibilityLevel.FULL);
    assertThat(restarted.globalCompatibility()).isEqualTo(CompatibilityLevel.FORWARD);
    // ids keep counting after the replayed ones
    assertThat(restarted.register("c", USER_A_AS_STRING, null).id()).isEqualTo(4);
  }

  @Test
  void aFailedWriteLeavesTheStateUntouched() {
    AtomicBoolean failing = new AtomicBoolean();
    RegistryStorage.InMemory events = RegistryStorage.inMemory();
    RegistryStorage flaky =
        new RegistryStorage() {
          @Override
          public List<RegistryEvent> load() {
            return events.load();
          }

          @Override
          public void append(RegistryEvent event) {
            if (failing.get()) {
              throw new IllegalStateException("broker down");
            }
            events.append(event);
          }
        };
    SchemaRegistryService registry = new SchemaRegistryService(flaky);
    registry.register("s", USER_V1, null);

    failing.set(true);
    assertThatThrownBy(() -> registry.register("s", USER_V2_WITH_DEFAULT, null))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.getMessage()).contains("broker down");
            });
    assertThatThrownBy(() -> registry.setGlobalCompatibility(CompatibilityLevel.NONE))
        .isInstanceOf(RegistryException.class);

    assertThat(registry.versions("s")).containsExactly(1);
    assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    failing.set(false);
    assertThat(registry.register("t", OTHER, null).id()).isEqualTo(2);
  }

  private static int errorCode(Runnable call) {
    try {
      call.run();
    } catch (RegistryException e) {
      return e.errorCode();
    }
    throw new AssertionError("expected a RegistryException");
  }
}
