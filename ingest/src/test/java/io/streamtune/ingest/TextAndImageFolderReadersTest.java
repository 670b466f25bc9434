package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TextPayload;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextAndImageFolderReadersTest {

  private static List<Outcome<RawRecord>> all(java.util.Iterator<Outcome<RawRecord>> items) {
    List<Outcome<RawRecord>> list = new ArrayList<>();
    items.forEachRemaining(list::add);
    return list;
  }

  @Test
  void jsonlLinesBecomeTextRecordsAndBrokenLinesAreRejectedWithReasons() {
    String jsonl =
        "{\"id\": \"m1\", \"label\": \"spam\", \"text\": \"win money\"}\n"
            + "\n"
            + "{not json\n"
            + "{\"id\": \"m3\", \"label\": \"ham\"}\n"
            + "[1, 2]\n"
            + "{\"id\": \"m5\", \"text\": \"no label here\"}\n";

    List<Outcome<RawRecord>> items;
    try (JsonlTextReader reader =
        new JsonlTextReader(
            new BufferedReader(new StringReader(jsonl)),
            "text",
            "label",
            "id",
            "mail",
            Clock.systemUTC())) {
      items = all(reader);
    }

    assertThat(items).hasSize(5);
    Outcome.Accepted<RawRecord> first = (Outcome.Accepted<RawRecord>) items.get(0);
    assertThat(first.value().getId()).isEqualTo("m1");
    assertThat(first.value().getLabel()).isEqualTo("spam");
    assertThat(((TextPayload) first.value().getPayload()).getText()).isEqualTo("win money");
    Outcome.Rejected<RawRecord> notJson = (Outcome.Rejected<RawRecord>) items.get(1);
    assertThat(notJson.source().topic).isEqualTo("mail:3");
    assertThat(notJson.reason()).startsWith("not valid JSON");
    assertThat(new String(notJson.source().value, StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(((Outcome.Rejected<RawRecord>) items.get(2)).reason())
        .isEqualTo("no text field 'text' (a string)");
    assertThat(((Outcome.Rejected<RawRecord>) items.get(3)).reason())
        .isEqualTo("not a JSON object");
    assertThat(((Outcome.Accepted<RawRecord>) items.get(4)).value().getLabel()).isNull();
  }

  @Test
  void textCsvRowsCarryTextAndLabelAndEmptyTextIsRejected() {
    String csv = "product,review,score\nB1,\"great, really<br />great\",great\nB2,NA,other\n";

    List<Outcome<RawRecord>> items;
    try (TextCsvReader reader =
        new TextCsvReader(
            new StringReader(csv),
            CsvFormat.defaults(),
            "review",
            "score",
            null,
            "reviews",
            Clock.systemUTC())) {
      items = all(reader);
    }

    Outcome.Accepted<RawRecord> first = (Outcome.Accepted<RawRecord>) items.get(0);
    assertThat(((TextPayload) first.value().getPayload()).getText())
        .isEqualTo("great, really<br />great");
    assertThat(first.value().getLabel()).isEqualTo("great");
    assertThat(first.value().getId()).isEqualTo("reviews-1");
    assertThat(((Outcome.Rejected<RawRecord>) items.get(1)).reason())
        .isEqualTo("no text in column 'review'");
  }

  @Test
  void textCsvWithoutTheTextColumnFailsAtOpen() {
    assertThatThrownBy(
            () ->
                new TextCsvReader(
                    new StringReader("a,b\n1,2\n"),
                    CsvFormat.defaults(),
                    "review",
                    "b",
                    null,
                    "x",
                    Clock.systemUTC()))
        .hasMessageContaining("column 'review' is not in the CSV header [a, b]");
  }

  @Test
  void imageFolderYieldsOneRecordPerImageLabelledByItsFolder(@TempDir Path root)
      throws IOException {
    Files.createDirectories(root.resolve("cats"));
    Files.createDirectories(root.resolve("dogs"));
    BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(1, 1, 0xff0000);
    ImageIO.write(rgb, "png", root.resolve("cats/a.png").toFile());
    ImageIO.write(
        new BufferedImage(5, 5, BufferedImage.TYPE_BYTE_GRAY),
        "png",
        root.resolve("dogs/b.png").toFile());
    Files.writeString(root.resolve("dogs/broken.jpg"), "not an image");
    Files.writeString(root.resolve("dogs/notes.txt"), "ignored: not an image name");

    ImageFolderReader reader = new ImageFolderReader(root, "pets", Clock.systemUTC());
    List<Outcome<RawRecord>> items = all(reader);

    assertThat(reader.classNames()).containsExactly("cats", "dogs");
    assertThat(items).hasSize(3);
    Outcome.Accepted<RawRecord> cat = (Outcome.Accepted<RawRecord>) items.get(0);
    ImagePayload catImage = (ImagePayload) cat.value().getPayload();
    assertThat(cat.value().getLabel()).isEqualTo("cats");
    assertThat(cat.value().getId()).isEqualTo("pets/cats/a.png");
    assertThat(catImage.getWidth()).isEqualTo(4);
    assertThat(catImage.getHeight()).isEqualTo(3);
    assertThat(catImage.getChannels()).isEqualTo(3);
    assertThat(catImage.getEncoding()).isEqualTo(ImageEncoding.PNG);
    assertThat(
            ((ImagePayload) ((Outcome.Accepted<RawRecord>) items.get(1)).value().getPayload())
                .getChannels())
        .isEqualTo(1);
    Outcome.Rejected<RawRecord> broken = (Outcome.Rejected<RawRecord>) items.get(2);
    assertThat(broken.source().topic).isEqualTo("dogs/broken.jpg");
    assertThat(broken.reason()).startsWith("not a readable PNG or JPEG image: ");
  }
}
