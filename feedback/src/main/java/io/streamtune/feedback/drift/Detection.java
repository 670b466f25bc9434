package io.streamtune.feedback.drift;

/**
 * A change a detector signalled on a monitored stream.
 *
 * @param detector {@code adwin}, {@code page-hinkley} or {@code label-distribution}
 * @param statistic the detector's statistic at detection
 * @param threshold the value it crossed
 * @param windowFrom first observation (1-based count on the stream) of the window that showed it
 * @param windowTo the observation at which it was detected
 * @param reason one line for people
 */
public record Detection(
    String detector,
    double statistic,
    double threshold,
    long windowFrom,
    long windowTo,
    String reason) {}
