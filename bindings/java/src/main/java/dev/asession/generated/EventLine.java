// Written by hand (not generated): what every event type of this package has, whatever the schema adds.
package dev.asession.generated;

/** One line of asession's stdout; {@link Event} is the sealed set of its types. */
public interface EventLine {
  /** The event type: ascp's Type (INIT, STATS, DONE, ...) or one of the engine's (SPAWN, RETRY, RESULT, ...). */
  String type();

  /** The event exactly as the engine printed it (one JSON line). */
  String raw();
}
