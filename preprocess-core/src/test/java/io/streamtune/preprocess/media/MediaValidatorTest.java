package io.streamtune.preprocess.media;

import static io.streamtune.preprocess.media.MediaSpecs.encoded;
import static io.streamtune.preprocess.media.MediaSpecs.ramp;
import static io.streamtune.preprocess.media.MediaSpecs.raw;
import static io.streamtune.preprocess.media.MediaSpecs.rawImage;
import static io.streamtune.preprocess.media.MediaSpecs.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.spec.PipelineSpecs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class MediaValidatorTest {

  private final MediaValidator images = new MediaValidator(MediaSpecs.image());
  private final MediaValidator texts = new MediaValidator(MediaSpecs.text());

  private static MediaRecord valid(Outcome<MediaRecord> validation) {
    assertThat(validation).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted<MediaRecord>) validation).value();
  }

  private static String reason(Outcome<MediaRecord> validation) {
    assertThat(validation).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected<MediaRecord>) validation).reason();
  }

  @Test
  void rawImageOfTheSpecsShapeKeepsItsPixelsAndLabelIndex() {
    byte[] pixels = ramp(12);

    MediaRecord record = valid(images.validate(raw("a", "coat", rawImage(4, 3, 1, pixels))));

    assertThat(record.pixels).containsExactly(pixels);
    assertThat(record.labelIndex).isEqualTo(1);
    assertThat(record.width).isEqualTo(4);
    assertThat(record.height).isEqualTo(3);
    assertThat(record.channels).isEqualTo(1);
    assertThat(record.eventTimeMillis).isEqualTo(1_700_000_000_000L);
    assertThat(record.split).isNull();
  }

  @Test
  void shapeMismatchAndShortDataAreRejectedWithTheShapes() {
    assertThat(reason(images.validate(raw("a", "coat", rawImage(3, 4, 1, ramp(12))))))
        .isEqualTo("shape mismatch: got 3x4x1, expected 4x3x1");
    assertThat(reason(images.validate(raw("a", "coat", rawImage(4, 3, 3, ramp(36))))))
        .contains("got 4x3x3");
    assertThat(reason(images.validate(raw("a", "coat", rawImage(4, 3, 1, ramp(11))))))
        .isEqualTo("RAW_U8 data holds 11 bytes, expected 12 for 4x3x1");
  }

  @Test
  void pngIsDecodedAndRgbTurnedGreyByLuma() throws Exception {
    BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, 0xff0000);
    rgb.setRGB(1, 0, 0x00ff00);
    rgb.setRGB(2, 0, 0xffffff);
    byte[] png = encode(rgb, "png");

    MediaRecord record = valid(images.validate(raw("p", "bag", encoded(ImageEncoding.PNG, png))));

    assertThat(record.pixels).hasSize(12);
    assertThat(record.pixels[0] & 0xff).isEqualTo(76); // 0.299 * 255
    assertThat(record.pixels[1] & 0xff).isEqualTo(150); // 0.587 * 255
    assertThat(record.pixels[2] & 0xff).isEqualTo(255);
    assertThat(record.pixels[3] & 0xff).isZero();
  }

  @Test
  void greyPngKeepsItsExactValues() throws Exception {
    BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ramp(12);
    grey.getRaster().setDataElements(0, 0, 4, 3, pixels);

    MediaRecord record =
        valid(images.validate(raw("g", "bag", encoded(ImageEncoding.PNG, encode(grey, "png")))));

    assertThat(record.pixels).containsExactly(pixels);
  }

  @Test
  void undecodableOrWrongSizedEncodedImagesAreRejected() throws Exception {
    assertThat(
            reason(
                images.validate(
                    raw("j", "bag", encoded(ImageEncoding.JPEG, "not a jpeg".getBytes())))))
        .isEqualTo(
            "undecodable JPEG image (10 bytes): not a PNG or JPEG image (no image reader"
                + " recognises the bytes)");
    byte[] big = encode(new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThat(reason(images.validate(raw("b", "bag", encoded(ImageEncoding.PNG, big)))))
        .isEqualTo("shape mismatch: PNG image is 5x3, expected 4x3");
  }

  @Test
  void aPngBombIsRejectedFromItsHeaderWithoutDecoding() throws Exception {
    byte[] bomb;
    try (var in = getClass().getResourceAsStream("/images/bomb-40000x40000.png")) {
      bomb = in.readAllBytes();
    }
    // before the header check, ImageIO.read allocated 1.6 GB: OutOfMemoryError, job restart
    assertThat(reason(images.validate(raw("bomb", "bag", encoded(ImageEncoding.PNG, bomb)))))
        .isEqualTo("shape mismatch: PNG image is 40000x40000, expected 4x3");
  }

  @Test
  void aTruncatedImageOfTheRightSizeIsRejectedWithTheDecoderReason() throws Exception {
    BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setDataElements(0, 0, 4, 3, ramp(12));
    byte[] png = encode(grey, "png");
    // signature + IHDR (33 bytes) + the IDAT chunk's length, type and first 4 bytes
    byte[] truncated = java.util.Arrays.copyOf(png, 45);
    assertThat(png.length).isGreaterThan(60);
    assertThat(reason(images.validate(raw("t", "bag", encoded(ImageEncoding.PNG, truncated)))))
        .startsWith("undecodable PNG image (45 bytes): ");
  }

  @Test
  void anUnknownLabelIsQuotedInTheReasonControlCharactersEscaped() {
    // before: the label went into the reason as is
    assertThat(reason(texts.validate(raw("t", "sp\u0000am", text("hello there")))))
        .isEqualTo("unknown label 'sp\\u0000am'; expected one of [ham, spam]")
        .doesNotContain("\u0000");
  }

  @Test
  void wrongPayloadTypeUnknownLabelAndMissingLabelAreReportedTogether() {
    String reason = reason(images.validate(raw("t", "hat", text("a text in an image pipeline"))));
    assertThat(reason)
        .contains("unknown label 'hat'; expected one of [shirt, coat, bag]")
        .contains("wrong payload type: expected image, got text");
    assertThat(
            reason(
                texts.validate(
                    raw("x", null, TabularPayload.newBuilder().setValues(Map.of()).build()))))
        .isEqualTo("missing label; wrong payload type: expected text, got tabular");
    assertThat(reason(texts.validate(raw("y", "spam", rawImage(4, 3, 1, ramp(12))))))
        .isEqualTo("wrong payload type: expected text, got image");
  }

  @Test
  void emptyTextIsRejectedAndLongTextCutAtAWordBoundary() {
    assertThat(reason(texts.validate(raw("e", "ham", text("  \n\t "))))).isEqualTo("empty text");

    MediaRecord record =
        valid(
            texts.validate(
                raw(
                    "l",
                    "spam",
                    text("  buy cheap watches now and get a second one free today "))));

    assertThat(record.text).isEqualTo("buy cheap watches now and get a second");
    assertThat(record.text.length()).isLessThanOrEqualTo(40);
    assertThat(record.labelIndex).isEqualTo(1);
    assertThat(record.isImage()).isFalse();
  }

  @Test
  void emailTextIsReducedToSubjectAndBodyBeforeTheCut() {
    MediaValidator emails =
        new MediaValidator(
            PipelineSpecs.parse(
                MediaSpecs.TEXT_YAML.replace(
                    "text: {maxChars: 40}", "text: {maxChars: 40, format: email}"),
                "test"));
    String raw =
        "From a@example.com  Thu Aug 22 12:36:23 2002\n"
            + "Received: from localhost by a very long routing header that fills the budget\n"
            + "Subject: Re: cheap watches\n"
            + "\n"
            + "<p>Buy one now and get a second one free today</p>\n";

    MediaRecord record = valid(emails.validate(raw("m", "spam", text(raw))));

    assertThat(record.text).isEqualTo("Re: cheap watches\n\nBuy one now and get a");
    assertThat(reason(emails.validate(raw("h", "ham", text("To: x@y.z\nFrom: a@b.c\n")))))
        .isEqualTo("empty text (no Subject and no body in the e-mail)");
    // a plain-text spec keeps the headers: the cut then sees routing noise only
    assertThat(valid(texts.validate(raw("p", "spam", text(raw)))).text)
        .startsWith("From a@example.com");
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }
}
