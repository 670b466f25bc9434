package io.streamtune.model.training;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether glibc's malloc is set up for training with libtorch in a JVM.
 *
 * <p>Every training step frees and reallocates the same multi-megabyte activation and gradient
 * buffers. JVM threads allocate from glibc's non-main arenas, and with the default (dynamic) mmap
 * and trim thresholds those buffers go back to the kernel and are page-faulted in again each step:
 * measured 3-4x slower SmallCnn training (docs/benchmarks.md). Fixed thresholds keep them mapped.
 * Both must be set: setting either alone switches the dynamic threshold off and leaves the other at
 * its small default, which is slower still. The trim threshold does not cover a thread arena's 64
 * MiB heap that becomes entirely free: glibc unmaps it whenever the top pad is smaller than the
 * heap, and training fell into phases 3x slower, full of page faults; a top pad of 128 MiB keeps
 * those heaps.
 */
public final class MallocSettings {

  /** Largest mmap threshold glibc accepts on 64-bit: buffers up to 32 MiB come from the heap. */
  public static final String MMAP_THRESHOLD = "33554432";

  /** Keep freed memory up to 4 GiB in the arena instead of returning it to the kernel. */
  public static final String TRIM_THRESHOLD = "4294967296";

  /** Larger than a thread arena's 64 MiB heap, so a free heap is never unmapped. */
  public static final String TOP_PAD = "134217728";

  private MallocSettings() {}

  /**
   * A warning to log when the process runs on Linux without both thresholds and the top pad (as
   * environment variables or glibc tunables); empty when all are set or the OS is not Linux.
   */
  public static Optional<String> warning(Map<String, String> env, String osName) {
    if (osName == null || !osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Optional.empty();
    }
    String tunables = env.getOrDefault("GLIBC_TUNABLES", "");
    boolean mmap =
        env.containsKey("MALLOC_MMAP_THRESHOLD_")
            || tunables.contains("glibc.malloc.mmap_threshold=");
    boolean trim =
        env.containsKey("MALLOC_TRIM_THRESHOLD_")
            || tunables.contains("glibc.malloc.trim_threshold=");
    boolean topPad =
        env.containsKey("MALLOC_TOP_PAD_") || tunables.contains("glibc.malloc.top_pad=");
    if (mmap && trim) {
      return topPad
          ? Optional.empty()
          : Optional.of(
              "glibc malloc top pad is not set: DJL training can fall into phases 3x slower"
                  + " (thread arenas' free heaps unmapped and faulted in again). Set"
                  + " MALLOC_TOP_PAD_="
                  + TOP_PAD
                  + " in the environment (./streamtune and the service image do)");
    }
    return Optional.of(
        "glibc malloc thresholds are not set"
            + (mmap || trim ? " (only one of the two is: slower than none)" : "")
            + ": DJL training steps can run 3-4x slower. Set MALLOC_MMAP_THRESHOLD_="
            + MMAP_THRESHOLD
            + ", MALLOC_TRIM_THRESHOLD_="
            + TRIM_THRESHOLD
            + " and MALLOC_TOP_PAD_="
            + TOP_PAD
            + " in the environment (./streamtune and the service image do)");
  }
}
