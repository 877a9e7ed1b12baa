package dev.asession;

import dev.asession.generated.ErrorInfo;
import dev.asession.generated.ResultEvent;

/** The job ended with status failed or cancelled; carries the engine's RESULT. */
public class TransferException extends AsessionException {
  private static final long serialVersionUID = 1L;
  private final transient ResultEvent result;
  private final String stderrTail;

  public TransferException(ResultEvent result, String stderrTail) {
    super(describe(result));
    this.result = result;
    this.stderrTail = stderrTail;
  }

  private static String describe(ResultEvent result) {
    ErrorInfo e = result.error();
    StringBuilder s = new StringBuilder("asession ").append(result.status()).append(" (exit ").append(result.exitCode()).append(')');
    if (e != null) {
      s.append(": ").append(e.source());
      if (e.name() != null) s.append(' ').append(e.name());
      if (e.code() != null) s.append(" [").append(e.code()).append(']');
      s.append(": ").append(e.message());
    }
    return s.toString();
  }

  /** The RESULT event. */
  public ResultEvent result() {
    return result;
  }

  /** RESULT's error: where it came from, ascp's code and name, message, whether a retry could cure it; null if none. */
  public ErrorInfo error() {
    return result.error();
  }

  /** failed or cancelled. */
  public String status() {
    return result.status();
  }

  /** The engine's exit status: 1 failed, 2 invalid input, 3 ascp not found, 130 cancelled. */
  public int exitCode() {
    return (int) result.exitCode();
  }

  /** The last lines the engine wrote to stderr. */
  public String stderrTail() {
    return stderrTail;
  }
}
