package io.streamtune.trainer.selection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The time budget of a selection: orders candidates cheapest first by their cost prior, and says
 * which would not fit what is left. Estimates are the prior ({@link Candidate#relativeCost} per
 * training example per fold) scaled by how fast the candidates run so far actually ran against
 * their priors, so a loaded machine is taken into account once one candidate has run.
 */
public final class SelectionBudget {

  private final Duration budget;
  private double measuredSeconds;
  private double estimatedSeconds;

  /**
   * @param budget the whole selection's time, null for none
   */
  public SelectionBudget(Duration budget) {
    if (budget != null && (budget.isNegative() || budget.isZero())) {
      throw new IllegalArgumentException("a budget must be positive, got " + budget);
    }
    this.budget = budget;
  }

  /** Null when there is no budget. */
  public Duration budget() {
    return budget;
  }

  /** The prior estimate of one candidate, in seconds, for all its folds. */
  public static double priorSeconds(Candidate candidate, int trainExamplesPerFold, int folds) {
    return candidate.relativeCost() * trainExamplesPerFold * folds;
  }

  /** Candidates by prior estimate, cheapest first; ties keep the order given. */
  public static List<Candidate> cheapestFirst(List<Candidate> candidates) {
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble(Candidate::relativeCost));
    return sorted;
  }

  /** Records a finished candidate's prior and measured time, to calibrate later estimates. */
  public void observed(double priorSeconds, double measured) {
    estimatedSeconds += priorSeconds;
    measuredSeconds += measured;
  }

  /** Measured over prior of the candidates run so far; 1 before the first. */
  public double speedFactor() {
    return estimatedSeconds > 0 ? measuredSeconds / estimatedSeconds : 1.0;
  }

  /** The calibrated estimate of a candidate's seconds. */
  public double estimateSeconds(double priorSeconds) {
    return priorSeconds * speedFactor();
  }

  /**
   * Why a candidate estimated at {@code estimate} seconds is skipped with {@code elapsed} seconds
   * spent, or empty when it fits (always without a budget).
   */
  public Optional<String> skipReason(double estimate, double elapsed) {
    if (budget == null) {
      return Optional.empty();
    }
    double left = budget.toMillis() / 1000.0 - elapsed;
    if (estimate <= left) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "estimated %.0f s, %.0f s of the %s budget left",
            estimate,
            Math.max(0, left),
            describe(budget)));
  }

  /** E.g. {@code 10m}, {@code 90s}. */
  public static String describe(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /**
   * Reads {@code 10m}, {@code 90s}, {@code 1h} or plain seconds.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      long amount;
      Duration unit;
      if (value.endsWith("h")) {
        amount = Long.parseLong(value.substring(0, value.length() - 1));
        unit = Duration.ofHours(1);
      } else if (value.endsWith("m")) {
        amount = Long.parseLong(value.substring(0, value.length() - 1));
        unit = Duration.ofMinutes(1);
      } else if (value.endsWith("s")) {
        amount = Long.parseLong(value.substring(0, value.length() - 1));
        unit = Duration.ofSeconds(1);
      } else {
        amount = Long.parseLong(value);
        unit = Duration.ofSeconds(1);
      }
      if (amount <= 0) {
        throw new NumberFormatException("not positive");
      }
      return unit.multipliedBy(amount);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid budget '"
              + text
              + "'; allowed: a positive number with s, m or h (e.g. 90s, 10m)");
    }
  }
}
