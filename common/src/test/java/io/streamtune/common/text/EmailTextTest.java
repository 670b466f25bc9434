package io.streamtune.common.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailTextTest {

  private static final String RAW =
      "From someone@example.com  Thu Aug 22 12:36:23 2002\n"
          + "Return-Path: <someone@example.com>\n"
          + "Received: from localhost (localhost [127.0.0.1])\n"
          + "\tby phobos.labs.example.com (Postfix) with ESMTP id D03E543C36\n"
          + "Subject: Cheap meds,\n"
          + "   best prices\n"
          + "Content-Type: text/html\n"
          + "\n"
          + "<html><head><style>p { color: red; }</style></head>\n"
          + "<body><p>Buy <b>now</b> &amp; save!</p>\n"
          + "\n"
          + "<script type=\"text/javascript\">var x = 1 < 2;</script>Visit us.</body></html>\n";

  @Test
  void keepsSubjectAndBodyAndDropsOtherHeadersAndTags() {
    String text = EmailText.subjectAndBody(RAW);

    assertThat(text).isEqualTo("Cheap meds, best prices\n\nBuy now & save!\n\nVisit us.");
  }

  @Test
  void worksWithCrLfLineEndsAndWithoutSubject() {
    String raw = "Date: Mon, 1 Jan 2001\r\nFrom: a@b.c\r\n\r\nHello  there,\r\nfriend.\r\n";

    assertThat(EmailText.subjectAndBody(raw)).isEqualTo("Hello there, friend.");
  }

  @Test
  void aTextWithoutHeadersIsAllBody() {
    assertThat(EmailText.subjectAndBody("Great product: works as advertised.\nFive stars."))
        .isEqualTo("Great product: works as advertised. Five stars.");
    assertThat(EmailText.subjectAndBody("")).isEmpty();
    assertThat(EmailText.subjectAndBody(null)).isEmpty();
  }

  @Test
  void headersWithoutBodyGiveTheSubject() {
    assertThat(EmailText.subjectAndBody("Subject: only this\nTo: x@y.z")).isEqualTo("only this");
    assertThat(EmailText.subjectAndBody("Return-Path: <a@example.com>\nTo: x@y.z")).isEmpty();
  }

  @Test
  void htmlStrippingIsCrudeButSafe() {
    assertThat(EmailText.stripHtml("a < b and c > d")).isEqualTo("a < b and c > d");
    assertThat(EmailText.stripHtml("x <unclosed tag y")).isEqualTo("x <unclosed tag y");
    assertThat(EmailText.stripHtml("<!-- c -->a<br/>b")).isEqualTo(" a b");
    assertThat(EmailText.stripHtml("<SCRIPT>evil()</SCRIPT>ok")).isEqualTo(" ok");
    assertThat(EmailText.stripHtml("<style>never closed")).isEqualTo(" ");
  }

  @Test
  void strippingAHugeTextWithManyUnclosedAnglesIsLinear() {
    String huge = "<a ".repeat(100_000) + "tail";
    long start = System.nanoTime();

    String stripped = EmailText.stripHtml(huge);

    assertThat(stripped).isEqualTo(huge);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
  }

  @Test
  void truncatesByCharactersWithoutSplittingASurrogatePair() {
    assertThat(EmailText.truncateChars("abcdef", 3)).isEqualTo("abc");
    assertThat(EmailText.truncateChars("ab", 3)).isEqualTo("ab");
    String emoji = "a\uD83D\uDE00b"; // a, U+1F600 (two chars), b
    assertThat(EmailText.truncateChars(emoji, 2)).isEqualTo("a");
    assertThat(EmailText.truncateChars(emoji, 3)).isEqualTo("a\uD83D\uDE00");
    assertThatThrownBy(() -> EmailText.truncateChars("x", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxChars");
  }
}
