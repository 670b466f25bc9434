package io.streamtune.preprocess.media;

import io.streamtune.common.image.ImageHeaders;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.text.EmailText;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageResize;
import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TextSpec;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a decoded raw record of an image or text pipeline against the spec and turns its payload
 * into pixels or a cleaned text.
 *
 * <p>Rules: the payload must be of the spec's modality; the label must be one of the spec's
 * classes; a RAW_U8 image must have exactly the spec's width, height and channels (and as many
 * bytes); a PNG/JPEG must decode and have the spec's width and height, and is converted to the
 * spec's channels (ITU-R 601 luma for grey, alpha dropped); a text must hold a non-blank character
 * after trimming, and is cut at the last whitespace before {@code text.maxChars}. Every problem of
 * a record is reported, not only the first.
 */
public final class MediaValidator {

  private final PipelineSpec.Modality modality;
  private final List<String> classes;
  private final int width;
  private final int height;
  private final int channels;
  private final int maxWidth;
  private final int maxHeight;
  private final int resizeShorter;
  private final int maxChars;
  private final boolean email;
  private final boolean labelRequired;

  /** For training and holdout records: every record must carry one of the spec's classes. */
  public MediaValidator(PipelineSpec spec) {
    this(spec, true);
  }

  /**
   * @param labelRequired false for requests to a served model, which come without a label: a
   *     missing label is then accepted (label {@code ""}, index -1); a label that is present must
   *     still be one of the spec's classes, and every other rule is the same
   */
  public MediaValidator(PipelineSpec spec, boolean labelRequired) {
    this.labelRequired = labelRequired;
    if (spec.modality() == PipelineSpec.Modality.TABULAR) {
      throw new IllegalArgumentException("a tabular spec has no image or text to validate");
    }
    this.modality = spec.modality();
    this.classes = spec.label().classes();
    boolean image = modality == PipelineSpec.Modality.IMAGE;
    this.width = image ? spec.image().width() : 0;
    this.height = image ? spec.image().height() : 0;
    this.channels = image ? spec.image().channels() : 0;
    this.maxWidth = image ? spec.image().maxWidth() : 0;
    this.maxHeight = image ? spec.image().maxHeight() : 0;
    this.resizeShorter = image ? spec.image().resizeShorter() : 0;
    this.maxChars = image ? 0 : spec.text().maxChars();
    this.email = !image && spec.text().format() == TextSpec.Format.EMAIL;
  }

  public Outcome<MediaRecord> validate(RawRecord record) {
    List<String> problems = new ArrayList<>();
    String id = record.getId();
    if (id == null || id.isBlank()) {
      problems.add("blank record id");
    }
    String label = record.getLabel() == null ? null : record.getLabel().trim();
    int labelIndex = -1;
    if (label == null || label.isEmpty()) {
      if (labelRequired) {
        problems.add("missing label");
      } else {
        label = "";
      }
    } else {
      labelIndex = classes.indexOf(label);
      if (labelIndex < 0) {
        // quoted: a label of control characters or megabytes must not go into the reason as is
        problems.add(
            "unknown label '" + DeadLetterRecords.quote(label) + "'; expected one of " + classes);
      }
    }
    long eventTime = record.getEventTime() == null ? 0L : record.getEventTime().toEpochMilli();
    Object payload = record.getPayload();
    MediaRecord valid = null;
    if (modality == PipelineSpec.Modality.IMAGE) {
      if (payload instanceof ImagePayload image) {
        byte[] pixels = pixels(image, problems);
        if (pixels != null && problems.isEmpty()) {
          valid =
              MediaRecord.image(id, eventTime, label, labelIndex, width, height, channels, pixels);
        }
      } else {
        problems.add("wrong payload type: expected image, got " + payloadKind(payload));
      }
    } else {
      if (payload instanceof TextPayload textPayload) {
        String text = clean(textPayload.getText());
        if (text.isEmpty()) {
          problems.add(email ? "empty text (no Subject and no body in the e-mail)" : "empty text");
        } else if (problems.isEmpty()) {
          valid = MediaRecord.text(id, eventTime, label, labelIndex, text);
        }
      } else {
        problems.add("wrong payload type: expected text, got " + payloadKind(payload));
      }
    }
    if (!problems.isEmpty()) {
      return Outcome.rejected(
          DeadLetters.STAGE_VALIDATE, String.join("; ", problems), record.getId());
    }
    return Outcome.accepted(valid);
  }

  /**
   * Reduced to Subject + body for e-mails, trimmed, and cut at the last whitespace before {@code
   * maxChars} (hard cut when none).
   */
  String clean(CharSequence raw) {
    String text = raw == null ? "" : raw.toString();
    text = (email ? EmailText.subjectAndBody(text) : text).strip();
    if (text.length() <= maxChars) {
      return text;
    }
    int cut = maxChars;
    while (cut > 0 && !Character.isWhitespace(text.charAt(cut))) {
      cut--;
    }
    return (cut == 0 ? text.substring(0, maxChars) : text.substring(0, cut)).strip();
  }

  private byte[] pixels(ImagePayload image, List<String> problems) {
    byte[] data = bytes(image.getData());
    if (resizeShorter > 0) {
      return resized(image, data, problems);
    }
    if (image.getEncoding() == ImageEncoding.RAW_U8) {
      if (image.getWidth() != width
          || image.getHeight() != height
          || image.getChannels() != channels) {
        problems.add(
            "shape mismatch: got "
                + shape(image.getWidth(), image.getHeight(), image.getChannels())
                + ", expected "
                + shape(width, height, channels));
        return null;
      }
      if (data.length != width * height * channels) {
        problems.add(
            "RAW_U8 data holds "
                + data.length
                + " bytes, expected "
                + width * height * channels
                + " for "
                + shape(width, height, channels));
        return null;
      }
      return data;
    }
    BufferedImage decoded;
    try {
      // the header first: a small file may declare a huge image, and decoding allocates it
      ImageHeaders.Header header = ImageHeaders.readHeader(data);
      if (header.width() != width || header.height() != height) {
        problems.add(
            "shape mismatch: "
                + image.getEncoding()
                + " image is "
                + header.width()
                + "x"
                + header.height()
                + ", expected "
                + width
                + "x"
                + height);
        return null;
      }
      decoded = ImageHeaders.decode(data, (long) width * height);
    } catch (IOException e) {
      problems.add(
          "undecodable "
              + image.getEncoding()
              + " image ("
              + data.length
              + " bytes): "
              + e.getMessage());
      return null;
    }
    return toChannels(decoded, channels);
  }

  /** Any size up to the largest, any of 1 or 3 channels: brought to the model's input. */
  private byte[] resized(ImagePayload payload, byte[] data, List<String> problems) {
    Image image;
    if (payload.getEncoding() == ImageEncoding.RAW_U8) {
      int w = payload.getWidth();
      int h = payload.getHeight();
      int c = payload.getChannels();
      if (!withinLimits(w, h, "RAW_U8", problems)) {
        return null;
      }
      if (c != 1 && c != 3) {
        problems.add("RAW_U8 image has " + c + " channels; 1 (grey) or 3 (RGB) are read");
        return null;
      }
      if (data.length != (long) w * h * c) {
        problems.add(
            "RAW_U8 data holds "
                + data.length
                + " bytes, expected "
                + (long) w * h * c
                + " for "
                + shape(w, h, c));
        return null;
      }
      image = ImageResize.toChannels(new Image(w, h, c, data), channels);
    } else {
      try {
        // the header first: a small file may declare a huge image, and decoding allocates it
        ImageHeaders.Header header = ImageHeaders.readHeader(data);
        if (!withinLimits(header.width(), header.height(), header.format(), problems)) {
          return null;
        }
        BufferedImage decoded = ImageHeaders.decode(data, (long) maxWidth * maxHeight);
        image =
            new Image(
                decoded.getWidth(), decoded.getHeight(), channels, toChannels(decoded, channels));
      } catch (IOException e) {
        problems.add(
            "undecodable "
                + payload.getEncoding()
                + " image ("
                + data.length
                + " bytes): "
                + e.getMessage());
        return null;
      }
    }
    return ImageResize.fit(image, resizeShorter, width, height).pixels();
  }

  private boolean withinLimits(int w, int h, String kind, List<String> problems) {
    if (w < 1 || h < 1 || w > maxWidth || h > maxHeight) {
      problems.add(
          kind
              + " image is "
              + w
              + "x"
              + h
              + ", outside 1x1 to "
              + maxWidth
              + "x"
              + maxHeight
              + " (image.maxWidth, image.maxHeight); not decoded");
      return false;
    }
    return true;
  }

  /** The decoded image as RAW_U8 with the given channels (1 grey, 3 RGB). */
  static byte[] toChannels(BufferedImage image, int channels) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * channels];
    Raster raster = image.getRaster();
    boolean indexed = image.getColorModel() instanceof IndexColorModel;
    int bands = raster.getNumBands();
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    int i = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r;
        int g;
        int b;
        if (indexed) {
          int argb = image.getRGB(x, y);
          r = (argb >> 16) & 0xff;
          g = (argb >> 8) & 0xff;
          b = argb & 0xff;
        } else if (bands < 3) {
          // grey (and grey + alpha): the samples themselves, not getRGB's colour-space conversion
          r = raster.getSample(x, y, 0) >> shift;
          g = r;
          b = r;
        } else {
          r = raster.getSample(x, y, 0) >> shift;
          g = raster.getSample(x, y, 1) >> shift;
          b = raster.getSample(x, y, 2) >> shift;
        }
        if (channels == 1) {
          out[i++] = (byte) (r == g && g == b ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b));
        } else {
          out[i++] = (byte) r;
          out[i++] = (byte) g;
          out[i++] = (byte) b;
        }
      }
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return new byte[0];
    }
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      // Avro decodes each bytes field into its own array: no copy needed
      return buffer.array();
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static String shape(int w, int h, int c) {
    return w + "x" + h + "x" + c;
  }

  private static String payloadKind(Object payload) {
    if (payload instanceof TextPayload) {
      return "text";
    }
    if (payload instanceof ImagePayload) {
      return "image";
    }
    if (payload instanceof TabularPayload) {
      return "tabular";
    }
    return payload == null ? "none" : payload.getClass().getSimpleName();
  }
}
