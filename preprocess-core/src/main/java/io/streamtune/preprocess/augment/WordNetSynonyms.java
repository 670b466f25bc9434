package io.streamtune.preprocess.augment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.IndexWordSet;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * Synonyms from WordNet 3.1 (extJWNL with its bundled data; loads offline in about half a second).
 */
public final class WordNetSynonyms implements SynonymSource {

  private static volatile WordNetSynonyms shared;

  private final Dictionary dictionary;
  private final ConcurrentHashMap<String, List<String>> cache = new ConcurrentHashMap<>();

  private WordNetSynonyms(Dictionary dictionary) {
    this.dictionary = dictionary;
  }

  /** One dictionary per JVM: it is large and read-only. */
  public static WordNetSynonyms shared() {
    if (shared == null) {
      synchronized (WordNetSynonyms.class) {
        if (shared == null) {
          try {
            shared = new WordNetSynonyms(Dictionary.getDefaultResourceInstance());
          } catch (JWNLException e) {
            throw new IllegalStateException("cannot load the bundled WordNet dictionary", e);
          }
        }
      }
    }
    return shared;
  }

  /**
   * What is looked up: letters, with at most three inner hyphens or apostrophes
   * ("jack-in-the-pulpit", "o'clock"). WordNet has no other entries worth a lookup, and extJWNL's
   * morphological lookup tries every split of a token at its delimiters (2^n lookups), so one
   * e-mail rule line, URL or MIME boundary stalled the job for minutes.
   */
  static final Pattern LOOKED_UP = Pattern.compile("\\p{L}+(?:['-]\\p{L}+){0,3}");

  static final int MAX_LENGTH = 40;

  @Override
  public List<String> synonyms(String word) {
    if (word.length() > MAX_LENGTH || !LOOKED_UP.matcher(word).matches()) {
      return List.of();
    }
    String key = word.toLowerCase(Locale.ROOT);
    return cache.computeIfAbsent(key, this::lookUp);
  }

  /** The synsets of a word, each as its lemmas; for tests that check where a synonym came from. */
  public List<Set<String>> synsets(String word) {
    List<Set<String>> result = new ArrayList<>();
    try {
      IndexWordSet words = dictionary.lookupAllIndexWords(word.toLowerCase(Locale.ROOT));
      for (IndexWord indexWord : words.getIndexWordArray()) {
        for (Synset synset : indexWord.getSenses()) {
          Set<String> lemmas = new LinkedHashSet<>();
          for (Word lemma : synset.getWords()) {
            lemmas.add(lemma.getLemma().replace('_', ' ').toLowerCase(Locale.ROOT));
          }
          result.add(lemmas);
        }
      }
    } catch (JWNLException e) {
      throw new IllegalStateException("WordNet lookup of '" + word + "' failed", e);
    }
    return result;
  }

  private List<String> lookUp(String word) {
    Set<String> synonyms = new LinkedHashSet<>();
    synsets(word).forEach(synonyms::addAll);
    synonyms.remove(word);
    return List.copyOf(synonyms);
  }
}
