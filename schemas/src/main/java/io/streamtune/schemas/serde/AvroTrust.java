package io.streamtune.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate generated classes that are not on its trust list. This adds the
 * project's own packages, once, for every module that deserializes.
 */
public final class AvroTrust {

  private static final String TRUSTED_PREFIX = "io.streamtune.";
  private static volatile boolean installed;

  private AvroTrust() {}

  public static synchronized void trustProjectClasses() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityPredicate project = type -> type.getName().startsWith(TRUSTED_PREFIX);
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, project));
    installed = true;
  }
}
