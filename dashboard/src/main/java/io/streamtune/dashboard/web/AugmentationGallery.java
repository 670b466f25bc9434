package io.streamtune.dashboard.web;

import io.streamtune.common.image.RawImages;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The augmentation gallery of an image pipeline: the latest {@value #ORIGINALS} training originals
 * whose augmented copies have arrived, each with up to {@value #COPIES} of them, as the page shows
 * them side by side. It follows the train topic, where a copy may come before its original (they
 * are keyed, so partitioned, by their own ids): the last {@value #CANDIDATES} originals are
 * remembered with their copies, older ones dropped, so memory stays constant. Images are kept as
 * the topic holds them and encoded as PNG only when {@link #png} asks.
 */
public final class AugmentationGallery {

  public static final int ORIGINALS = 8;
  public static final int COPIES = 4;

  /** Originals remembered while their copies may still arrive. */
  static final int CANDIDATES = 64;

  private static final class Group {
    String label;
    ImagePayload original;
    final Map<String, ImagePayload> copies = new LinkedHashMap<>();
  }

  private final LinkedHashMap<String, Group> groups =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Group> eldest) {
          return size() > CANDIDATES;
        }
      };

  /**
   * Keeps {@code example} when it is a training image (original or augmented copy, RAW_U8) with
   * room in its group; true when the gallery may have changed.
   */
  public synchronized boolean accept(Example example) {
    ImagePayload image = example.getImage();
    if (image == null
        || image.getEncoding() != ImageEncoding.RAW_U8
        || example.getSplit() != Split.TRAIN
        || (example.getSynthetic() && example.getAugmentedFrom() == null)) {
      return false;
    }
    String copyOf = example.getAugmentedFrom();
    String id = String.valueOf(copyOf == null ? example.getId() : copyOf);
    Group group = groups.get(id);
    if (group == null) {
      group = new Group();
      groups.put(id, group);
    }
    if (copyOf == null) {
      if (group.original != null) {
        return false;
      }
      group.original = image;
      group.label = String.valueOf(example.getLabel());
      return true;
    }
    if (group.copies.size() >= COPIES) {
      return false;
    }
    group.copies.put(String.valueOf(example.getId()), image);
    return true;
  }

  /**
   * The gallery, latest original first: {@code id}, {@code label} and the ids of its {@code copies}
   * (each served by {@link #png}); empty until an original and a copy of it have arrived (always,
   * for a text or tabular pipeline).
   */
  public synchronized List<Map<String, Object>> entries() {
    List<Map.Entry<String, Group>> all = new ArrayList<>(groups.entrySet());
    List<Map<String, Object>> shown = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && shown.size() < ORIGINALS; i--) {
      Group group = all.get(i).getValue();
      if (group.original == null || group.copies.isEmpty()) {
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", all.get(i).getKey());
      entry.put("label", group.label);
      entry.put("copies", List.copyOf(group.copies.keySet()));
      shown.add(entry);
    }
    return shown;
  }

  /** The PNG of the original or copy with this id, or null when the gallery no longer has it. */
  public byte[] png(String id) {
    ImagePayload image = find(id);
    return image == null ? null : RawImages.png(image);
  }

  private synchronized ImagePayload find(String id) {
    Group group = groups.get(id);
    if (group != null && group.original != null) {
      return group.original;
    }
    for (Group candidate : groups.values()) {
      ImagePayload copy = candidate.copies.get(id);
      if (copy != null) {
        return copy;
      }
    }
    return null;
  }
}
