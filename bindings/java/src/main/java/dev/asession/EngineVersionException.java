package dev.asession;

/** The engine found speaks another major version of the protocol than this binding. */
public class EngineVersionException extends EngineNotFoundException {
  private static final long serialVersionUID = 1L;

  public EngineVersionException(String message) {
    super(message, null);
  }
}
