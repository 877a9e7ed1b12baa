// Generated from package.json by `npm run gen`. Do not edit.
package dev.asession.generated;

/** This binding's version, the same as the engine it carries. */
public final class Version {
  public static final String VERSION = "0.1.0";

  private Version() {}
}
