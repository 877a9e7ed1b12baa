package dev.asession;

/** Base of every failure this binding reports. */
public class AsessionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AsessionException(String message) {
    super(message);
  }

  public AsessionException(String message, Throwable cause) {
    super(message, cause);
  }
}
