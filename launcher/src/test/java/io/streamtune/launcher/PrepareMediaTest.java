package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.ingest.IdxImageReader;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamtune prepare} with image and text specs: the preview of the job's augmentation. */
class PrepareMediaTest {

  private static final Path SPEC = Path.of("..", "pipelines", "fashion-mnist.yaml");
  private static final Path IMAGES =
      Path.of("..", "data", "fashion-mnist", "fashion-mnist-500-images-idx3-ubyte.gz");
  private static final Path LABELS =
      Path.of("..", "data", "fashion-mnist", "fashion-mnist-500-labels-idx1-ubyte.gz");

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    CommandLine cli = StreamtuneCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  void imagePreviewWritesEveryOriginalAndCopyAsPngLikeTheJob(@TempDir Path dir) throws Exception {
    PipelineSpec spec = PipelineSpecs.load(SPEC);
    Path out = dir.resolve("preview");
    int limit = 40;

    Run run =
        run(
            "prepare",
            "--pipeline",
            SPEC.toString(),
            "--input",
            IMAGES.toString(),
            "--labels",
            LABELS.toString(),
            "--output",
            out.toString(),
            "--limit",
            Integer.toString(limit));

    assertThat(run.exitCode()).as(run.err()).isZero();
    // the expected examples, from the job's cores
    Splitter splitter = Splitter.of(spec.split());
    MediaAugmenter augmenter = MediaAugmenter.of(spec);
    Map<String, Example> expected = new HashMap<>();
    int holdout = 0;
    int copies = 0;
    try (IdxImageReader reader =
        new IdxImageReader(
            IMAGES,
            LABELS,
            spec.label().classes(),
            "fashion-mnist-500-images-idx3",
            Clock.systemUTC())) {
      for (int i = 0; i < limit; i++) {
        RawRecord raw = reader.next();
        ImagePayload image = (ImagePayload) raw.getPayload();
        MediaRecord record =
            MediaRecord.image(
                raw.getId(),
                0L,
                raw.getLabel(),
                spec.label().classes().indexOf(raw.getLabel()),
                28,
                28,
                1,
                bytes(image.getData()));
        record.split = splitter.splitOf(raw.getId());
        holdout += record.split == Split.HOLDOUT ? 1 : 0;
        copies += augmenter.expand(record, e -> expected.put(e.getId(), e));
      }
    }
    assertThat(run.err())
        .contains(
            "prepared 40 image records -> "
                + out
                + ": 40 originals ("
                + holdout
                + " holdout, never augmented) + "
                + copies
                + " augmented copies; 0 rejected");

    List<String> index = Files.readAllLines(out.resolve("examples.csv"));
    assertThat(index.get(0)).isEqualTo("file,id,source_id,split,label,augmented_from");
    assertThat(index).hasSize(1 + expected.size());
    try (var pngs = Files.walk(out)) {
      assertThat(pngs.filter(p -> p.toString().endsWith(".png")).count())
          .isEqualTo(expected.size());
    }
    int checked = 0;
    for (String line : index.subList(1, index.size())) {
      String[] cells = line.split(",", -1);
      Example example = expected.get(cells[1]);
      assertThat(example).as(cells[1]).isNotNull();
      assertThat(cells[3]).isEqualTo(example.getSplit().name().toLowerCase());
      assertThat(cells[5]).isEqualTo(example.getAugmentedFrom() == null ? "" : cells[2]);
      if (example.getSplit() == Split.HOLDOUT) {
        assertThat(example.getAugmentedFrom()).isNull();
      }
      BufferedImage png = ImageIO.read(out.resolve(cells[0]).toFile());
      assertThat(png.getWidth()).isEqualTo(28);
      byte[] pixels = new byte[28 * 28];
      png.getRaster().getDataElements(0, 0, 28, 28, pixels);
      assertThat(pixels).as(cells[0]).isEqualTo(bytes(example.getImage().getData()));
      checked++;
    }
    assertThat(checked).isEqualTo(expected.size());
    assertThat(Files.readAllLines(out.resolve("rejected.csv"))).hasSize(1);
  }

  @Test
  void textPreviewWritesOneLinePerVariantAndTheRejects(@TempDir Path dir) throws Exception {
    Path spec = Path.of("..", "pipelines", "spam.yaml");
    Path input = dir.resolve("mails.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(
          "{\"id\": \"m"
              + i
              + "\", \"label\": \""
              + (i % 4 == 0 ? "spam" : "ham")
              + "\", \"text\": \"please find the attached invoice for the order number "
              + i
              + "\"}");
    }
    lines.add("{\"id\": \"blank\", \"label\": \"ham\", \"text\": \"\"}");
    lines.add("not json");
    Files.write(input, lines);
    Path out = dir.resolve("texts");

    Run run =
        run(
            "prepare",
            "--pipeline",
            spec.toString(),
            "--input",
            input.toString(),
            "--output",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    PipelineSpec pipeline = PipelineSpecs.load(spec);
    Splitter splitter = Splitter.of(pipeline.split());
    int expectedLines = 0;
    for (int i = 0; i < 20; i++) {
      boolean train = splitter.splitOf("m" + i) == Split.TRAIN;
      expectedLines += 1 + (train ? pipeline.augment().copiesFor(i % 4 == 0 ? "spam" : "ham") : 0);
    }
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> variants = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("examples.jsonl"))) {
      variants.add(json.readTree(line));
    }
    assertThat(variants).hasSize(expectedLines);
    for (JsonNode variant : variants) {
      assertThat(variant.get("text").asText()).isNotBlank();
      if (variant.get("split").asText().equals("holdout")) {
        assertThat(variant.get("augmentedFrom").isNull()).isTrue();
      }
      if (!variant.get("augmentedFrom").isNull()) {
        assertThat(variant.get("id").asText())
            .startsWith(variant.get("augmentedFrom").asText() + "#aug");
      }
    }
    List<String> rejected = Files.readAllLines(out.resolve("rejected.csv"));
    assertThat(rejected).hasSize(3);
    assertThat(String.join("\n", rejected)).contains("empty text").contains("not valid JSON");
  }

  @Test
  void tabularOnlyOptionsAreRefusedForImageSpecs(@TempDir Path dir) {
    Run run =
        run(
            "prepare",
            "--pipeline",
            SPEC.toString(),
            "--input",
            IMAGES.toString(),
            "--output",
            dir.resolve("x").toString(),
            "--fitted",
            dir.resolve("f.json").toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--fitted applies to tabular specs only (this one is image)");

    Run noLabels =
        run(
            "prepare",
            "--pipeline",
            SPEC.toString(),
            "--input",
            IMAGES.toString(),
            "--output",
            dir.resolve("y").toString());
    assertThat(noLabels.exitCode()).isNotZero();
    assertThat(noLabels.err()).contains("--labels is required with an IDX image file");
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
