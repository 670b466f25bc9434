package io.streamtune.launcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium for the dashboard's browser tests: Debian's {@code chromium} and {@code
 * chromium-driver} ({@code .ci/run} installs them), a tall window, the browser console recorded.
 * {@link #assumeInstalled()} skips a test with a message where they are missing.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Skips the calling test, saying how to install them, where Chromium or its driver is missing.
   */
  static void assumeInstalled() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "headless Chromium is missing: apt-get install chromium chromium-driver (needs "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ")");
  }

  /** A browser with a 1400x2400 window that records every console message. */
  static HeadlessChromium open() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    options.addArguments("--window-size=1400,2400");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new HeadlessChromium(new ChromeDriver(service, options));
  }

  ChromeDriver driver() {
    return driver;
  }

  JavascriptExecutor js() {
    return driver;
  }

  /**
   * Runs {@code script} on the page every 250 ms, for up to 30 s, until {@code check} accepts what
   * it returns (a page that draws from a live feed gets there after a few updates).
   */
  void awaitScript(String script, Consumer<Object> check) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> check.accept(driver.executeScript(script)));
  }

  /** Saves what the window shows as {@code target/<fileName>}. */
  void screenshot(String fileName) throws IOException {
    Path screenshot = Path.of("target", fileName);
    Files.createDirectories(screenshot.getParent());
    Files.write(screenshot, driver.getScreenshotAs(OutputType.BYTES));
  }

  /** The console's errors (level SEVERE and above) so far. */
  List<LogEntry> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
