package dev.asession;

/** The engine broke its contract: it ended without a RESULT line, or printed a line that is not an event. */
public class EngineException extends AsessionException {
  private static final long serialVersionUID = 1L;
  private final Integer exitCode;
  private final String stderrTail;

  public EngineException(String message, Integer exitCode, String stderrTail, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  /** The engine's exit status, or null when it was still running. */
  public Integer exitCode() {
    return exitCode;
  }

  /** The last lines the engine wrote to stderr. */
  public String stderrTail() {
    return stderrTail;
  }
}
