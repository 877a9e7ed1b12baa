// Written by hand (not generated): the JSON reading that the generated event types of this package call.
package dev.asession.generated;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** JSON reading shared by the generated types. */
final class Decoding {
  // No length limits: the engine's lines are trusted and a long path list must not fail a session.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxStringLength(Integer.MAX_VALUE)
                      .maxNumberLength(Integer.MAX_VALUE)
                      .build())
              .build());

  private Decoding() {}

  static JsonNode parse(String line) {
    JsonNode n;
    try {
      n = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + "): " + excerpt(line), e);
    }
    if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object: " + excerpt(line));
    return n;
  }

  /**
   * The JSON object of one stdout line of the engine, checked to have a string type.
   *
   * @throws IllegalArgumentException when the line is not a JSON object with a string type
   */
  static JsonNode eventNode(String line) {
    JsonNode n = parse(line);
    JsonNode type = n.get("type");
    if (type == null || !type.isTextual()) throw new IllegalArgumentException("event without a string \"type\": " + excerpt(line));
    return n;
  }

  /** An engine event that misses a required field or has one of the wrong type, said with its type and line. */
  static IllegalArgumentException eventError(JsonNode n, IllegalArgumentException e, String line) {
    return new IllegalArgumentException(n.get("type").textValue() + " event: " + e.getMessage() + ": " + excerpt(line), e);
  }

  static String excerpt(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "... (" + line.length() + " chars)";
  }

  private static JsonNode present(JsonNode o, String name, boolean required) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      if (required) throw new IllegalArgumentException("missing field \"" + name + "\"");
      return null;
    }
    return v;
  }

  private static IllegalArgumentException wrong(String name, String expected, JsonNode v) {
    return new IllegalArgumentException("field \"" + name + "\" is not " + expected + ": " + v);
  }

  /** A field of one JSON type: null when absent (an error when required), an error when of another type. */
  static <T> T field(JsonNode o, String name, boolean required, Kind<T> kind) {
    JsonNode v = present(o, name, required);
    if (v == null) return null;
    if (!kind.accepts.test(v)) throw wrong(name, kind.expected, v);
    return kind.read.apply(v);
  }

  record Kind<T>(String expected, Predicate<JsonNode> accepts, Function<JsonNode, T> read) {}

  static final Kind<Long> LONG = new Kind<>("an integer", v -> v.isIntegralNumber() && v.canConvertToLong(), JsonNode::longValue);
  static final Kind<Double> DOUBLE = new Kind<>("a number", JsonNode::isNumber, JsonNode::doubleValue);
  static final Kind<Boolean> BOOLEAN = new Kind<>("a boolean", JsonNode::isBoolean, JsonNode::booleanValue);
  static final Kind<String> STRING = new Kind<>("a string", JsonNode::isTextual, JsonNode::textValue);

  /** An array item that must be a string. */
  static String string(JsonNode v) {
    return textOf("item", v);
  }

  private static String textOf(String name, JsonNode v) {
    if (!v.isTextual()) throw wrong(name, "a string", v);
    return v.textValue();
  }

  static <T> T object(JsonNode o, String name, boolean required, Function<JsonNode, T> read) {
    JsonNode v = present(o, name, required);
    if (v == null) return null;
    if (!v.isObject()) throw wrong(name, "an object", v);
    return read.apply(v);
  }

  static Map<String, String> stringMap(JsonNode o, String name, boolean required) {
    JsonNode v = present(o, name, required);
    if (v == null) return null;
    if (!v.isObject()) throw wrong(name, "an object", v);
    Map<String, String> map = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> map.put(e.getKey(), textOf(name + "." + e.getKey(), e.getValue())));
    return Collections.unmodifiableMap(map);
  }

  static <T> List<T> list(JsonNode o, String name, boolean required, Function<JsonNode, T> read) {
    JsonNode v = present(o, name, required);
    if (v == null) return null;
    if (!v.isArray()) throw wrong(name, "an array", v);
    List<T> items = new ArrayList<>(v.size());
    for (JsonNode item : v) items.add(read.apply(item));
    return Collections.unmodifiableList(items);
  }

  // ascp fields: the engine leaves a value that does not parse as the text ascp sent, which reads as null here.
  static Long ascpInteger(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null;
  }

  static Boolean ascpBoolean(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v != null && v.isBoolean() ? v.booleanValue() : null;
  }

  static String ascpString(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v == null || v.isNull() ? null : text(v);
  }

  private static String text(JsonNode v) {
    return v.isTextual() ? v.textValue() : v.toString();
  }

  static Map<String, String> texts(JsonNode o) {
    Map<String, String> all = new LinkedHashMap<>();
    o.fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue().isNull() ? null : text(e.getValue())));
    return Collections.unmodifiableMap(all);
  }
}
