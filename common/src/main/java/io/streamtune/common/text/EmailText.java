package io.streamtune.common.text;

import java.util.Locale;

/**
 * Reduces a raw e-mail (mbox "From " line, RFC 822 headers, blank line, body) to its Subject and
 * body, the part a text model should see: with the headers first, a 256-token window of MiniLM sees
 * only Received lines and routing noise. Nothing is decoded (no MIME, no quoted-printable, no
 * base64); HTML tags are dropped crudely and whitespace collapsed so a character budget buys words.
 * Text pipelines with {@code text.format: email} apply it when a record enters the job, before the
 * split and augmentation, so every later stage (EDA, trainer, evaluator) sees the same reduced
 * text.
 */
public final class EmailText {

  private EmailText() {}

  /**
   * "Subject\n\nbody" for an e-mail with headers; a text that does not start with a header block is
   * taken to be all body. An e-mail without a Subject header gives the body alone; headers without
   * a body give the subject alone, and nothing when there is no subject.
   */
  public static String subjectAndBody(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    String text = raw.replace("\r\n", "\n").replace('\r', '\n');
    if (!startsWithHeader(text)) {
      return collapseWhitespace(stripHtml(text));
    }
    int blank = text.indexOf("\n\n");
    if (blank < 0) {
      // headers only: the subject, or nothing (the caller dead-letters an empty text)
      return collapseWhitespace(header(text, "subject"));
    }
    String headers = text.substring(0, blank);
    String body = text.substring(blank + 2);
    String subject = collapseWhitespace(header(headers, "subject"));
    String cleanBody = collapseWhitespace(stripHtml(body));
    if (subject.isEmpty()) {
      return cleanBody;
    }
    return cleanBody.isEmpty() ? subject : subject + "\n\n" + cleanBody;
  }

  /**
   * The first {@code maxChars} characters of {@code text}, never splitting a surrogate pair.
   * Tokenisers truncate only after tokenising the whole text, so a 300k-character e-mail is cut
   * here first.
   */
  public static String truncateChars(String text, int maxChars) {
    if (maxChars < 0) {
      throw new IllegalArgumentException("maxChars must be >= 0, got " + maxChars);
    }
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  /** The unfolded value of the first header named {@code name} (case-insensitive), or "". */
  static String header(String headers, String name) {
    String[] lines = headers.split("\n", -1);
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].toLowerCase(Locale.ROOT).startsWith(prefix)) {
        StringBuilder value = new StringBuilder(lines[i].substring(prefix.length()));
        for (int j = i + 1;
            j < lines.length && !lines[j].isEmpty() && isFoldWhitespace(lines[j].charAt(0));
            j++) {
          value.append(' ').append(lines[j]);
        }
        return value.toString().trim();
      }
    }
    return "";
  }

  private static boolean startsWithHeader(String text) {
    if (text.startsWith("From ")) {
      return true;
    }
    int lineEnd = text.indexOf('\n');
    String first = lineEnd < 0 ? text : text.substring(0, lineEnd);
    int colon = first.indexOf(':');
    if (colon <= 0) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char c = first.charAt(i);
      // RFC 822 field names: printable ASCII except space and colon
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  private static boolean isFoldWhitespace(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * Drops {@code <script>}/{@code <style>} elements and every tag, in one linear pass. A '<' not
   * followed by a letter, '/' or '!' is text ("a < b"); from a '<' with no '>' after it, the rest
   * is kept as text.
   */
  static String stripHtml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c != '<' || i + 1 >= n || !opensTag(text.charAt(i + 1))) {
        out.append(c);
        i++;
        continue;
      }
      int close = text.indexOf('>', i + 1);
      if (close < 0) {
        out.append(text, i, n);
        break;
      }
      String name = tagName(text, i + 1, close);
      int next = close + 1;
      if (name.equals("script") || name.equals("style")) {
        int end = indexOfIgnoreCase(text, "</" + name, next);
        int endClose = end < 0 ? -1 : text.indexOf('>', end);
        next = endClose < 0 ? n : endClose + 1;
      }
      out.append(' ');
      i = next;
    }
    return decodeBasicEntities(out.toString());
  }

  private static boolean opensTag(char c) {
    return Character.isLetter(c) || c == '/' || c == '!';
  }

  private static String tagName(String text, int from, int to) {
    int end = from;
    while (end < to && Character.isLetterOrDigit(text.charAt(end))) {
      end++;
    }
    return text.substring(from, end).toLowerCase(Locale.ROOT);
  }

  private static int indexOfIgnoreCase(String text, String needle, int from) {
    int last = text.length() - needle.length();
    for (int i = from; i <= last; i++) {
      if (text.regionMatches(true, i, needle, 0, needle.length())) {
        return i;
      }
    }
    return -1;
  }

  private static String decodeBasicEntities(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    return text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  /** Runs of whitespace become one space, except that paragraph breaks stay one blank line. */
  static String collapseWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int newlines = 0;
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || c == '\u00a0') {
        space = true;
        if (c == '\n') {
          newlines++;
        }
        continue;
      }
      if (space && out.length() > 0) {
        out.append(newlines >= 2 ? "\n\n" : " ");
      }
      space = false;
      newlines = 0;
      out.append(c);
    }
    return out.toString();
  }
}
