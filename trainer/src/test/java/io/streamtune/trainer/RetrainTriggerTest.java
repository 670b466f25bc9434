package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.trainer.RetrainTrigger.Reason;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetrainTriggerTest {

  private final AtomicLong nowMillis = new AtomicLong(1_000_000);

  @Test
  void firesAfterRetrainEveryNewExamplesAndStartsCountingAgain() {
    RetrainTrigger trigger = new RetrainTrigger(3, 0, nowMillis::get);

    trigger.exampleAdded();
    trigger.exampleAdded();
    assertThat(trigger.due()).isEmpty();
    trigger.exampleAdded();
    assertThat(trigger.due()).contains(Reason.COUNT);
    assertThat(trigger.newExamplesSinceLastRound()).isEqualTo(3);

    trigger.roundStarted();
    assertThat(trigger.newExamplesSinceLastRound()).isZero();
    assertThat(trigger.shouldFire()).isFalse();
  }

  @Test
  void firesAfterMaxWaitCountedFromTheFirstNewExample() {
    RetrainTrigger trigger = new RetrainTrigger(100, 30, nowMillis::get);

    nowMillis.addAndGet(60_000); // a quiet minute with nothing new never fires
    assertThat(trigger.shouldFire()).isFalse();

    trigger.exampleAdded();
    nowMillis.addAndGet(29_999);
    trigger.exampleAdded();
    assertThat(trigger.shouldFire()).isFalse();
    nowMillis.addAndGet(1);
    assertThat(trigger.due()).contains(Reason.MAX_WAIT);

    trigger.roundStarted();
    nowMillis.addAndGet(45_000);
    assertThat(trigger.shouldFire()).as("no new example since the round").isFalse();
    trigger.exampleAdded();
    assertThat(trigger.shouldFire()).as("the wait restarts at the first new example").isFalse();
    nowMillis.addAndGet(30_000);
    assertThat(trigger.due()).contains(Reason.MAX_WAIT);
  }

  @Test
  void zeroMaxWaitDisablesTheTimer() {
    RetrainTrigger trigger = new RetrainTrigger(100, 0, nowMillis::get);
    trigger.exampleAdded();
    nowMillis.addAndGet(86_400_000);

    assertThat(trigger.shouldFire()).isFalse();
  }

  @Test
  void aRoundForcedAfterNExamplesWaitsForThemCountedFromTheRequest() {
    RetrainTrigger trigger = new RetrainTrigger(100, 0, nowMillis::get);
    for (int i = 0; i < 40; i++) {
      trigger.exampleAdded();
    }

    trigger.forceAfter(5);
    for (int i = 0; i < 4; i++) {
      trigger.exampleAdded();
      assertThat(trigger.due()).isEmpty();
    }
    trigger.exampleAdded();
    assertThat(trigger.due()).contains(Reason.CONTROL);

    trigger.roundStarted();
    for (int i = 0; i < 10; i++) {
      trigger.exampleAdded();
    }
    assertThat(trigger.due()).as("a started round took the request").isEmpty();
  }
}
