"""A plain Python EDA (the four operations of Wei & Zou 2019, as in their reference code) with WordNet
synonyms from the same WordNet 3.1 data the Java side uses, read here from the extJWNL data jar's
index files so both sides look up identical synsets. Used only by bench/augment.sh."""
import random
import sys
import time
import zipfile

STOP = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if or
because as until while of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how all
any both each few more most other some such no nor not only own same so than too very s t can will just
don should now""".split())


def load_wordnet(jar):
    """word -> list of synonym lemmas, from the data.* and index.* files of WordNet 3.1."""
    synonyms = {}
    with zipfile.ZipFile(jar) as z:
        names = z.namelist()
        for pos in ("noun", "verb", "adj", "adv"):
            data_name = next(n for n in names if n.endswith("data." + pos))
            offsets = {}
            for line in z.read(data_name).decode("utf-8", "replace").splitlines():
                if line.startswith("  "):
                    continue
                parts = line.split(" ")
                count = int(parts[3], 16)
                lemmas = [parts[4 + 2 * k].replace("_", " ").lower() for k in range(count)]
                offsets[parts[0]] = lemmas
            index_name = next(n for n in names if n.endswith("index." + pos))
            for line in z.read(index_name).decode("utf-8", "replace").splitlines():
                if line.startswith("  "):
                    continue
                parts = line.split()
                word = parts[0].replace("_", " ")
                synset_count = int(parts[2])
                for offset in parts[-synset_count:] if synset_count else []:
                    for lemma in offsets.get(offset, []):
                        if lemma != word:
                            synonyms.setdefault(word, []).append(lemma)
    return {w: list(dict.fromkeys(s)) for w, s in synonyms.items()}


def synonym_replacement(words, n, syn, rnd):
    out = list(words)
    candidates = [i for i, w in enumerate(out) if w.lower() not in STOP]
    rnd.shuffle(candidates)
    replaced = 0
    for i in candidates:
        if replaced >= n:
            break
        options = syn.get(out[i].lower(), [])
        if options:
            out[i] = rnd.choice(options)
            replaced += 1
    return out


def random_insertion(words, n, syn, rnd):
    out = list(words)
    for _ in range(n):
        for _ in range(10):
            source = rnd.choice(out)
            options = [] if source.lower() in STOP else syn.get(source.lower(), [])
            if options:
                out.insert(rnd.randint(0, len(out)), rnd.choice(options))
                break
    return out


def random_swap(words, n, rnd):
    out = list(words)
    if len(out) < 2:
        return out
    for _ in range(n):
        a, b = rnd.sample(range(len(out)), 2)
        out[a], out[b] = out[b], out[a]
    return out


def random_deletion(words, p, rnd):
    if len(words) <= 1:
        return list(words)
    out = [w for w in words if rnd.random() >= p]
    return out or [rnd.choice(words)]


def eda(text, syn, rnd, alpha=0.1, copies=4):
    words = text.split()
    n = max(1, int(alpha * len(words)))
    ops = [
        lambda: synonym_replacement(words, n, syn, rnd),
        lambda: random_insertion(words, n, syn, rnd),
        lambda: random_swap(words, n, rnd),
        lambda: random_deletion(words, alpha, rnd),
    ]
    return [" ".join(ops[k % 4]()) for k in range(copies)]


if __name__ == "__main__":
    jar, sentences_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    syn = load_wordnet(jar)
    texts = [line.rstrip("\n") for line in open(sentences_file, encoding="utf-8")]
    for _ in range(repeats):
        rnd = random.Random(42)
        start = time.perf_counter()
        out = [eda(t, syn, rnd) for t in texts]
        seconds = time.perf_counter() - start
        print(f"python eda: {len(texts)} sentences x 4 copies in {seconds:.2f} s = {len(texts) / seconds:.0f} sentences/s")
