package io.streamtune.embedded.registry;

/**
 * A request the registry refuses, carrying the Confluent error code and the HTTP status the REST
 * layer answers with, so clients see the same errors as from a real Confluent Schema Registry.
 */
public final class RegistryException extends RuntimeException {

  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  public static final int OPERATION_NOT_PERMITTED = 42205;
  public static final int STORE_ERROR = 50001;

  private final int errorCode;
  private final int httpStatus;

  public RegistryException(int errorCode, int httpStatus, String message) {
    this(errorCode, httpStatus, message, null);
  }

  public RegistryException(int errorCode, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(SUBJECT_NOT_FOUND, 404, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(String subject, int version) {
    return new RegistryException(
        VERSION_NOT_FOUND, 404, "Version " + version + " not found for subject '" + subject + "'.");
  }

  static RegistryException schemaNotFound(String detail) {
    return new RegistryException(SCHEMA_NOT_FOUND, 404, detail);
  }

  static RegistryException invalidSchema(String detail) {
    return new RegistryException(INVALID_SCHEMA, 422, detail);
  }
}
