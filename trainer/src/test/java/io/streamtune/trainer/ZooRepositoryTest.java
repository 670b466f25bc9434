package io.streamtune.trainer;

import static io.streamtune.trainer.ImageRoundFixture.colours;
import static io.streamtune.trainer.ImageRoundFixture.export;
import static io.streamtune.trainer.ImageRoundFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.util.Utils;
import io.streamtune.model.image.ZooBackbone;
import io.streamtune.spec.ImageBackbones;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zoo's download path, offline: a local repository directory in DJL's zoo layout holds a tiny
 * TorchScript module (exported by Debian's torch) as the {@code resnet18_embedding} artifact, and
 * DJL's setting {@code DJL_REPO_URL} points {@code zoo:resnet18} at it as a {@code file://} URL.
 * The first load copies the artifact and its metadata into the DJL cache; the second, with the
 * repository gone, loads from the cache.
 */
class ZooRepositoryTest {

  @Test
  void theFirstLoadFetchesIntoTheDjlCacheAndTheSecondUsesTheCache(@TempDir Path dir)
      throws Exception {
    Path exported =
        export(
            Path.of("target", "tiny-zoo-model"),
            "resnet18_embedding.pt",
            "src/test/python/export_tiny_zoo_model.py");
    ImageBackbones.ZooModel zoo = ImageBackbones.zoo("zoo:resnet18");
    Path repository = dir.resolve("mlrepo");
    Path artifactDir = repository.resolve(ImageBackbones.ZooModel.PATH + zoo.artifactId());
    Path zip = artifactDir.resolve(zoo.version()).resolve(zoo.file());
    Files.createDirectories(zip.getParent());
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry(zoo.artifactName() + ".pt"));
      Files.copy(exported.resolve("resnet18_embedding.pt"), out);
      out.closeEntry();
    }
    Files.writeString(artifactDir.resolve("metadata.json"), metadata(zoo, zip));

    Path cached = ZooBackbone.cachedArtifactDir(zoo);
    Path cachedMrl = cached.getParent().getParent();
    Utils.deleteQuietly(cachedMrl);
    String previous = System.getProperty("DJL_REPO_URL");
    System.setProperty("DJL_REPO_URL", repository.toUri().toString());
    PipelineSpec spec =
        spec(
            "{width: 32, height: 32}",
            "  backbone: zoo:resnet18\n  strategy: linear_probe\n  epochs: 1\n"
                + "  batchSize: 8\n  seed: 1\n");
    try {
      assertThat(Utils.isOfflineMode()).as("tests run offline").isTrue();
      assertThat(ZooBackbone.cached(zoo)).isFalse();
      try (ImageCnnRoundTrainer first = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
        // the tiny module's 8 features under the new head
        assertThat(first.tuner().headValues().get(0)).hasSize(128 * 8);
        first.train(colours(16, 32, 1), () -> false);
      }
      assertThat(ZooBackbone.cached(zoo)).isTrue();
      // DJL unzips the artifact under its cache dir (in a folder named after the file)
      List<Path> copies;
      try (Stream<Path> files = Files.walk(cached)) {
        copies = files.filter(f -> f.toString().endsWith(".pt")).toList();
      }
      assertThat(copies).hasSize(1);
      assertThat(copies.get(0)).hasSameBinaryContentAs(exported.resolve("resnet18_embedding.pt"));

      // without the repository, the cached copy is what loads
      Utils.deleteQuietly(repository);
      try (ImageCnnRoundTrainer second = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
        assertThat(second.tuner().headValues().get(0)).hasSize(128 * 8);
      }
    } finally {
      if (previous == null) {
        System.clearProperty("DJL_REPO_URL");
      } else {
        System.setProperty("DJL_REPO_URL", previous);
      }
      // the offline-error test expects zoo:resnet18 not to be cached
      Utils.deleteQuietly(cachedMrl);
    }
  }

  /** DJL's metadata.json of the artifact, as mlrepo.djl.ai serves it, with the zip's checksum. */
  private static String metadata(ImageBackbones.ZooModel zoo, Path zip) throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update(Files.readAllBytes(zip));
    return """
        {
          "metadataVersion": "0.2",
          "resourceType": "model",
          "application": "cv/image_classification",
          "groupId": "ai.djl.pytorch",
          "artifactId": "%s",
          "name": "%s",
          "artifacts": [
            {
              "version": "%s",
              "snapshot": false,
              "name": "%s",
              "files": {
                "model": {
                  "uri": "%s/%s",
                  "sha1Hash": "%s",
                  "size": %d
                }
              }
            }
          ]
        }
        """
        .formatted(
            zoo.artifactId(),
            zoo.artifactId(),
            zoo.version(),
            zoo.artifactName(),
            zoo.version(),
            zoo.file(),
            HexFormat.of().formatHex(sha1.digest()),
            Files.size(zip));
  }
}
