package io.streamtune.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.common.image.RawImages;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.ingest.IngestSource;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code streamtune prepare} for image and text specs: reads a dataset, validates, splits and
 * augments every record with the job's own cores ({@link PreprocessBatch#media}) and writes every
 * example — originals and augmented copies — so a person can look before streaming. Images become
 * PNG files {@code DIR/<split>/<label>/<id>[_aug<k>].png} listed in {@code DIR/examples.csv}; texts
 * become one JSON line per variant in {@code DIR/examples.jsonl}. Records the job would dead-letter
 * go to {@code DIR/rejected.csv}.
 */
final class MediaPreview {

  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was written. */
  record Counts(long records, long originals, long copies, long holdout, long rejected) {}

  private final PipelineSpec spec;
  private final PreprocessBatch.Media batch;

  MediaPreview(PipelineSpec spec) {
    this.spec = spec;
    this.batch = PreprocessBatch.media(spec);
  }

  Counts run(IngestSource source, Path output, long limit) throws IOException {
    Files.createDirectories(output);
    long records = 0;
    long originals = 0;
    long copies = 0;
    long holdout = 0;
    long rejected = 0;
    boolean images = spec.modality() == PipelineSpec.Modality.IMAGE;
    try (BufferedWriter index =
            Files.newBufferedWriter(output.resolve(images ? "examples.csv" : "examples.jsonl"));
        CSVPrinter imageIndex =
            images
                ? csv(index, "file", "id", "source_id", "split", "label", "augmented_from")
                : null;
        CSVPrinter rejections =
            csv(
                Files.newBufferedWriter(output.resolve("rejected.csv")),
                "source",
                "id",
                "stage",
                "reason")) {
      Iterator<Outcome<RawRecord>> items = source.items();
      while (items.hasNext() && (limit <= 0 || records < limit)) {
        Outcome<RawRecord> item = items.next();
        records++;
        if (item instanceof Outcome.Rejected<RawRecord> r) {
          rejections.printRecord(r.source().topic, r.recordId(), r.stage(), r.reason());
          rejected++;
          continue;
        }
        RawRecord raw = ((Outcome.Accepted<RawRecord>) item).value();
        Outcome<PreprocessBatch.Media.Prepared> outcome =
            batch.accept(
                raw,
                example -> {
                  try {
                    if (images) {
                      writeImage(output, example, imageIndex);
                    } else {
                      writeText(index, example);
                    }
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        if (outcome instanceof Outcome.Rejected<PreprocessBatch.Media.Prepared> r) {
          rejections.printRecord(raw.getSource(), raw.getId(), r.stage(), r.reason());
          rejected++;
          continue;
        }
        PreprocessBatch.Media.Prepared prepared =
            ((Outcome.Accepted<PreprocessBatch.Media.Prepared>) outcome).value();
        originals++;
        if (prepared.record().split == Split.HOLDOUT) {
          holdout++;
        }
        copies += prepared.copies();
      }
    }
    return new Counts(records, originals, copies, holdout, rejected);
  }

  /** File name of an example: its source id made safe, plus {@code _aug<k>} for a copy. */
  static String fileName(Example example) {
    String base = UNSAFE.matcher(example.getSourceId()).replaceAll("_");
    String id = example.getId();
    int mark = id.lastIndexOf(MediaAugmenter.COPY_MARK);
    String suffix =
        example.getAugmentedFrom() == null
            ? ""
            : "_aug" + id.substring(mark + MediaAugmenter.COPY_MARK.length());
    return base + suffix + ".png";
  }

  private static void writeImage(Path output, Example example, CSVPrinter index)
      throws IOException {
    Path dir =
        output
            .resolve(example.getSplit().name().toLowerCase(Locale.ROOT))
            .resolve(UNSAFE.matcher(example.getLabel()).replaceAll("_"));
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName(example));
    ImageIO.write(RawImages.toBufferedImage(example.getImage()), "png", file.toFile());
    index.printRecord(
        output.relativize(file).toString().replace('\\', '/'),
        example.getId(),
        example.getSourceId(),
        example.getSplit().name().toLowerCase(Locale.ROOT),
        example.getLabel(),
        example.getAugmentedFrom());
  }

  private static void writeText(BufferedWriter out, Example example) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("id", example.getId());
    line.put("sourceId", example.getSourceId());
    line.put("split", example.getSplit().name().toLowerCase(Locale.ROOT));
    line.put("label", example.getLabel());
    line.put("augmentedFrom", example.getAugmentedFrom());
    line.put("text", example.getText());
    out.write(JSON.writeValueAsString(line));
    out.write('\n');
  }

  private static CSVPrinter csv(java.io.Writer writer, String... header) throws IOException {
    return CSVFormat.RFC4180
        .builder()
        .setRecordSeparator('\n')
        .setHeader(header)
        .build()
        .print(writer);
  }
}
