package dev.asession;

/** The asession engine could not be found or could not be started. */
public class EngineNotFoundException extends AsessionException {
  private static final long serialVersionUID = 1L;

  public EngineNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
