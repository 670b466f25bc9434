package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestLedgerTest {

  @TempDir Path dir;

  @Test
  void acknowledgementsOutOfOrderAreKeptExactly() {
    IngestLedger ledger = IngestLedger.open(dir, "c1", "raw", "in", false);
    for (long i : new long[] {0, 1, 2, 5, 7, 8, 3}) {
      ledger.acknowledged(i);
    }
    ledger.save();

    IngestLedger again = IngestLedger.open(dir, "c1", "raw", "in", false);
    assertThat(again.recorded()).isEqualTo(7);
    assertThat(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L))
        .filteredOn(again::alreadyProduced)
        .containsExactly(0L, 1L, 2L, 3L, 5L, 7L, 8L);
  }

  @Test
  void aFreshLedgerAndForceSkipNothing() {
    IngestLedger ledger = IngestLedger.open(dir, "c1", "raw", "in", false);
    assertThat(ledger.recorded()).isZero();
    ledger.acknowledged(0);
    ledger.save();

    assertThat(IngestLedger.open(dir, "c1", "raw", "in", true).alreadyProduced(0)).isFalse();
  }

  @Test
  void clusterTopicAndInputEachKeyTheirOwnLedger() {
    Path file = IngestLedger.open(dir, "c1", "raw", "in", false).file();
    assertThat(IngestLedger.open(dir, "c2", "raw", "in", false).file()).isNotEqualTo(file);
    assertThat(IngestLedger.open(dir, "c1", "x.raw", "in", false).file()).isNotEqualTo(file);
    assertThat(IngestLedger.open(dir, "c1", "raw", "in2", false).file()).isNotEqualTo(file);
  }

  @Test
  void aCorruptLedgerIsAnErrorNamingItAndForceOverwritesIt() throws Exception {
    IngestLedger ledger = IngestLedger.open(dir, "c1", "raw", "in", false);
    ledger.acknowledged(0);
    ledger.save();
    Files.writeString(
        ledger.file(), Files.readString(ledger.file()).replaceAll("prefix=1", "prefix=x"));

    assertThatThrownBy(() -> IngestLedger.open(dir, "c1", "raw", "in", false))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining(ledger.file().toString())
        .hasMessageContaining("corrupt")
        .hasMessageContaining("--force");

    IngestLedger forced = IngestLedger.open(dir, "c1", "raw", "in", true);
    forced.save();
    assertThat(IngestLedger.open(dir, "c1", "raw", "in", false).recorded()).isZero();
  }

  @Test
  void aTruncatedOrForeignLedgerIsCorrupt() throws Exception {
    Path file = IngestLedger.open(dir, "c1", "raw", "in", false).file();
    Files.writeString(file, "");
    assertThatThrownBy(() -> IngestLedger.open(dir, "c1", "raw", "in", false))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("format");
  }

  @Test
  void theFingerprintFollowsContentOptionsAndFolders() throws Exception {
    Path a = dir.resolve("a.csv");
    Files.writeString(a, "x,label\n1,a\n");
    String first = IngestLedger.fingerprint(List.of("label=label"), List.of(a));
    assertThat(IngestLedger.fingerprint(List.of("label=label"), List.of(a))).isEqualTo(first);
    assertThat(IngestLedger.fingerprint(List.of("label=x"), List.of(a))).isNotEqualTo(first);
    Files.writeString(a, "x,label\n2,a\n");
    assertThat(IngestLedger.fingerprint(List.of("label=label"), List.of(a))).isNotEqualTo(first);

    Path images = Files.createDirectories(dir.resolve("images/cat"));
    Files.write(images.resolve("1.png"), new byte[] {1, 2});
    String folder = IngestLedger.fingerprint(List.of(), List.of(dir.resolve("images")));
    Files.write(images.resolve("2.png"), new byte[] {3});
    assertThat(IngestLedger.fingerprint(List.of(), List.of(dir.resolve("images"))))
        .isNotEqualTo(folder);
  }
}
