// Written by hand (not generated): the part of AscpEvent that does not depend on the schema's field list.
package dev.asession.generated;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Every field of an ascp event as text, the line it came from, and the fields the generated class has no accessor for. */
public abstract class AscpEventBase {
  private final Map<String, String> fields;
  private final String raw;
  private final Set<String> known;

  AscpEventBase(JsonNode n, String raw, Set<String> known) {
    this.fields = Decoding.texts(n);
    this.raw = raw;
    this.known = known;
  }

  /** The event exactly as the engine printed it (one JSON line). */
  public String raw() {
    return raw;
  }

  /** Any field of this event by its snake_case name, as text (numbers in decimal, booleans true/false); null when absent. */
  public String text(String name) {
    return fields.get(name);
  }

  /** Fields this binding has no accessor for (new ascp fields), by snake_case name, in arrival order. */
  public Map<String, String> extra() {
    Map<String, String> extra = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (!known.contains(k)) extra.put(k, v);
    });
    return Collections.unmodifiableMap(extra);
  }

  @Override
  public String toString() {
    return raw;
  }
}
