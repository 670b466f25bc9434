package io.streamtune.model.onnx;

/** An ONNX file whose weights cannot be imported as asked; the message names the tensor. */
public class OnnxImportException extends RuntimeException {

  public OnnxImportException(String message) {
    super(message);
  }
}
