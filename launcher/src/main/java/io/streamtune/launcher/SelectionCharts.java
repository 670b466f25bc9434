package io.streamtune.launcher;

import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The PNG figures of a selection report, drawn with Java2D (headless): the ranking as horizontal
 * bars of macro F1 with CI whiskers, and one confusion matrix per candidate.
 */
final class SelectionCharts {

  static final String RANKING_FILE = "ranking.png";

  private static final int WIDTH = 720;
  private static final int ROW_HEIGHT = 34;
  private static final int LABEL_WIDTH = 200;
  private static final int MARGIN = 30;
  private static final Color BEST = new Color(0x2e7d32);
  private static final Color TIED = new Color(0x81c784);
  private static final Color WORSE = new Color(0x9e9e9e);

  private SelectionCharts() {}

  static String confusionFile(String candidate) {
    return "confusion-" + candidate.replaceAll("[^A-Za-z0-9_-]", "_") + ".png";
  }

  static void write(ModelSelection.Report report, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    ImageIO.write(ranking(report.ranking()), "png", dir.resolve(RANKING_FILE).toFile());
    for (Ranking.Row row : report.ranking()) {
      ImageIO.write(
          confusion(row.name(), report.labels(), row.metrics().confusionMatrix()),
          "png",
          dir.resolve(confusionFile(row.name())).toFile());
    }
  }

  /** Bars of macro F1 on [0, 1]; dark: the best, light: not significantly worse, grey: worse. */
  static BufferedImage ranking(List<Ranking.Row> rows) {
    int height = 2 * MARGIN + 20 + ROW_HEIGHT * Math.max(1, rows.size());
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    int plotLeft = LABEL_WIDTH;
    int plotWidth = WIDTH - LABEL_WIDTH - MARGIN;
    g.setColor(Color.BLACK);
    g.drawString("macro F1 with 95% CI (dark: best, light: not significantly worse)", MARGIN, 20);
    for (int i = 0; i < rows.size(); i++) {
      Ranking.Row row = rows.get(i);
      int top = MARGIN + 10 + i * ROW_HEIGHT;
      g.setColor(Color.BLACK);
      g.drawString(row.rank() + ". " + row.name(), 8, top + ROW_HEIGHT / 2 + 4);
      g.setColor(i == 0 ? BEST : row.significantlyWorse() ? WORSE : TIED);
      int bar = (int) Math.round(clamp(row.macroF1()) * plotWidth);
      g.fillRect(plotLeft, top + 6, bar, ROW_HEIGHT - 12);
      int low = plotLeft + (int) Math.round(clamp(row.macroF1Interval().low()) * plotWidth);
      int high = plotLeft + (int) Math.round(clamp(row.macroF1Interval().high()) * plotWidth);
      int mid = top + ROW_HEIGHT / 2;
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(2f));
      g.drawLine(low, mid, high, mid);
      g.drawLine(low, mid - 6, low, mid + 6);
      g.drawLine(high, mid - 6, high, mid + 6);
      g.drawString(
          String.format(Locale.ROOT, "%.3f", row.macroF1()),
          Math.min(high + 6, WIDTH - MARGIN - 30),
          mid - 8);
    }
    int axis = MARGIN + 10 + rows.size() * ROW_HEIGHT + 4;
    g.setStroke(new BasicStroke(1f));
    g.drawLine(plotLeft, axis, plotLeft + plotWidth, axis);
    for (int tick = 0; tick <= 10; tick += 2) {
      int x = plotLeft + plotWidth * tick / 10;
      g.drawLine(x, axis, x, axis + 4);
      g.drawString(String.format(Locale.ROOT, "%.1f", tick / 10.0), x - 8, axis + 16);
    }
    g.dispose();
    return image;
  }

  /** Rows actual, columns predicted; each cell shaded by its share of the row. */
  static BufferedImage confusion(String name, List<String> labels, long[][] matrix) {
    int n = labels.size();
    int cell = Math.max(36, Math.min(80, 480 / Math.max(1, n)));
    int left = 120;
    int top = 60;
    BufferedImage image =
        new BufferedImage(
            left + n * cell + MARGIN, top + n * cell + 50, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.setColor(Color.BLACK);
    g.drawString(name + ": rows actual, columns predicted", 8, 20);
    for (int r = 0; r < n; r++) {
      long total = 0;
      for (long count : matrix[r]) {
        total += count;
      }
      g.setColor(Color.BLACK);
      g.drawString(truncate(labels.get(r)), 8, top + r * cell + cell / 2 + 4);
      for (int c = 0; c < n; c++) {
        double share = total == 0 ? 0 : (double) matrix[r][c] / total;
        int shade = 255 - (int) Math.round(share * 200);
        g.setColor(new Color(shade, shade, 255));
        g.fillRect(left + c * cell, top + r * cell, cell, cell);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left + c * cell, top + r * cell, cell, cell);
        g.setColor(share > 0.6 ? Color.WHITE : Color.BLACK);
        g.drawString(
            String.valueOf(matrix[r][c]), left + c * cell + 6, top + r * cell + cell / 2 + 4);
      }
    }
    g.setColor(Color.BLACK);
    for (int c = 0; c < n; c++) {
      g.drawString(truncate(labels.get(c)), left + c * cell + 4, top - 8);
    }
    g.dispose();
    return image;
  }

  private static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  private static String truncate(String label) {
    return label.length() > 14 ? label.substring(0, 13) + "…" : label;
  }

  private static double clamp(double value) {
    return Double.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
  }
}
