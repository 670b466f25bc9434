package io.streamtune.preprocess.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Easy Data Augmentation for text: synonym replacement, random insertion of a synonym, random swap
 * and random deletion. Words are whitespace-separated tokens; stop-words are never replaced or used
 * as insertion sources; deletion never empties a text. Copy k of a record depends only on (seed,
 * record id, k).
 */
public final class EdaAugmenter {

  /** The stop-word list of the EDA reference implementation. */
  public static final Set<String> STOP_WORDS =
      Set.of(
          "i",
          "me",
          "my",
          "myself",
          "we",
          "our",
          "ours",
          "ourselves",
          "you",
          "your",
          "yours",
          "yourself",
          "yourselves",
          "he",
          "him",
          "his",
          "himself",
          "she",
          "her",
          "hers",
          "herself",
          "it",
          "its",
          "itself",
          "they",
          "them",
          "their",
          "theirs",
          "themselves",
          "what",
          "which",
          "who",
          "whom",
          "this",
          "that",
          "these",
          "those",
          "am",
          "is",
          "are",
          "was",
          "were",
          "be",
          "been",
          "being",
          "have",
          "has",
          "had",
          "having",
          "do",
          "does",
          "did",
          "doing",
          "a",
          "an",
          "the",
          "and",
          "but",
          "if",
          "or",
          "because",
          "as",
          "until",
          "while",
          "of",
          "at",
          "by",
          "for",
          "with",
          "about",
          "against",
          "between",
          "into",
          "through",
          "during",
          "before",
          "after",
          "above",
          "below",
          "to",
          "from",
          "up",
          "down",
          "in",
          "out",
          "on",
          "off",
          "over",
          "under",
          "again",
          "further",
          "then",
          "once",
          "here",
          "there",
          "when",
          "where",
          "why",
          "how",
          "all",
          "any",
          "both",
          "each",
          "few",
          "more",
          "most",
          "other",
          "some",
          "such",
          "no",
          "nor",
          "not",
          "only",
          "own",
          "same",
          "so",
          "than",
          "too",
          "very",
          "s",
          "t",
          "can",
          "will",
          "just",
          "don",
          "should",
          "now",
          "");

  private enum Operation {
    SYNONYM_REPLACEMENT,
    RANDOM_INSERTION,
    RANDOM_SWAP,
    RANDOM_DELETION
  }

  private final EdaAugmentation config;
  private final SynonymSource synonyms;
  private final List<Operation> enabled = new ArrayList<>();

  public EdaAugmenter(EdaAugmentation config, SynonymSource synonyms) {
    this.config = config;
    this.synonyms = synonyms;
    if (config.synonymReplacement() > 0) {
      enabled.add(Operation.SYNONYM_REPLACEMENT);
    }
    if (config.randomInsertion() > 0) {
      enabled.add(Operation.RANDOM_INSERTION);
    }
    if (config.randomSwap() > 0) {
      enabled.add(Operation.RANDOM_SWAP);
    }
    if (config.randomDeletion() > 0) {
      enabled.add(Operation.RANDOM_DELETION);
    }
  }

  /** The augmented copies (not including the original); with every alpha 0 they equal the text. */
  public List<String> copies(String recordId, String text) {
    return copies(recordId, text, config.copies());
  }

  /** {@code count} augmented copies (e.g. a per-class count instead of the configured one). */
  public List<String> copies(String recordId, String text, int count) {
    List<String> copies = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      if (enabled.isEmpty()) {
        copies.add(text);
        continue;
      }
      Random random = new Random(AugmentSeeds.seed(config.seed(), recordId, k));
      Operation operation = enabled.get(k % enabled.size());
      copies.add(String.join(" ", apply(operation, words(text), random)));
    }
    return copies;
  }

  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String token : text.trim().split("\\s+")) {
      if (!token.isEmpty()) {
        words.add(token);
      }
    }
    return words;
  }

  private List<String> apply(Operation operation, List<String> words, Random random) {
    return switch (operation) {
      case SYNONYM_REPLACEMENT ->
          synonymReplacement(words, count(config.synonymReplacement(), words), random);
      case RANDOM_INSERTION ->
          randomInsertion(words, count(config.randomInsertion(), words), random);
      case RANDOM_SWAP -> randomSwap(words, count(config.randomSwap(), words), random);
      case RANDOM_DELETION -> randomDeletion(words, config.randomDeletion(), random);
    };
  }

  private static int count(double alpha, List<String> words) {
    return Math.max(1, (int) (alpha * words.size()));
  }

  List<String> synonymReplacement(List<String> words, int n, Random random) {
    List<String> out = new ArrayList<>(words);
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      if (!isStopWord(out.get(i))) {
        candidates.add(i);
      }
    }
    java.util.Collections.shuffle(candidates, random);
    int replaced = 0;
    for (int index : candidates) {
      if (replaced >= n) {
        break;
      }
      List<String> options = synonyms.synonyms(out.get(index));
      if (!options.isEmpty()) {
        out.set(index, options.get(random.nextInt(options.size())));
        replaced++;
      }
    }
    return out;
  }

  List<String> randomInsertion(List<String> words, int n, Random random) {
    List<String> out = new ArrayList<>(words);
    for (int inserted = 0; inserted < n; inserted++) {
      String synonym = null;
      // like the reference implementation: a few tries to find a word that has a synonym
      for (int attempt = 0; attempt < 10 && synonym == null && !out.isEmpty(); attempt++) {
        String source = out.get(random.nextInt(out.size()));
        List<String> options = isStopWord(source) ? List.of() : synonyms.synonyms(source);
        if (!options.isEmpty()) {
          synonym = options.get(random.nextInt(options.size()));
        }
      }
      if (synonym == null) {
        break;
      }
      out.add(random.nextInt(out.size() + 1), synonym);
    }
    return out;
  }

  static List<String> randomSwap(List<String> words, int n, Random random) {
    List<String> out = new ArrayList<>(words);
    if (out.size() < 2) {
      return out;
    }
    for (int swap = 0; swap < n; swap++) {
      int a = random.nextInt(out.size());
      int b = random.nextInt(out.size() - 1);
      if (b >= a) {
        b++;
      }
      java.util.Collections.swap(out, a, b);
    }
    return out;
  }

  static List<String> randomDeletion(List<String> words, double p, Random random) {
    if (words.size() <= 1) {
      return new ArrayList<>(words);
    }
    List<String> out = new ArrayList<>();
    for (String word : words) {
      if (random.nextDouble() >= p) {
        out.add(word);
      }
    }
    if (out.isEmpty()) {
      out.add(words.get(random.nextInt(words.size())));
    }
    return out;
  }

  private static boolean isStopWord(String word) {
    return STOP_WORDS.contains(word.toLowerCase(Locale.ROOT));
  }
}
