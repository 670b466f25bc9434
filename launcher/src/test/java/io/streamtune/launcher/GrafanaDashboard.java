package io.streamtune.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard's PromQL expressions and the metric names they query. */
final class GrafanaDashboard {

  static final Path FILE =
      DockerComposeConfigTest.ROOT.resolve("docker/grafana/dashboards/streamtune.json");

  /** Words of PromQL that are not metric names (aggregation modifiers, operators, keywords). */
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private GrafanaDashboard() {}

  static JsonNode read() throws IOException {
    return new ObjectMapper().readTree(FILE.toFile());
  }

  /** Every {@code expr} of every panel's targets. */
  static List<String> expressions(JsonNode dashboard) {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          expressions.add(target.get("expr").asText());
        }
      }
    }
    return expressions;
  }

  /**
   * The metric names {@code expr} selects: label matchers, ranges, strings, grouping clauses,
   * numbers, functions (a name before "(") and keywords taken out, what is left is names.
   */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\w+", " ");
    Set<String> names = new TreeSet<>();
    Matcher matcher = IDENTIFIER.matcher(bare);
    while (matcher.find()) {
      String word = matcher.group();
      int after = matcher.end();
      while (after < bare.length() && bare.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < bare.length() && bare.charAt(after) == '(';
      boolean number = matcher.start() > 0 && Character.isDigit(bare.charAt(matcher.start() - 1));
      if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /** The names every expression of the dashboard queries. */
  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    expressions(dashboard).forEach(expr -> names.addAll(metricNames(expr)));
    return names;
  }
}
