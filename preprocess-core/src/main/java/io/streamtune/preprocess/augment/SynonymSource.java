package io.streamtune.preprocess.augment;

import java.util.List;

/** Synonyms of a word, e.g. the lemmas of its WordNet synsets. */
public interface SynonymSource {

  /** Synonyms of {@code word}, without the word itself; empty when it has none. */
  List<String> synonyms(String word);
}
