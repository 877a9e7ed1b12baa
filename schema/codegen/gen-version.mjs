// One version for the engine, the npm package and the three bindings: package.json's "version", written into
// each place that needs it as a constant. A binding refuses an engine whose major version differs from its own.

const read = async (root, rel) => (await import("node:fs")).readFileSync(`${root}/${rel}`, "utf8");

/** Replaces the first match of `pattern` (whose group 1 is the version) in `text`; throws when absent. */
function setVersion(text, pattern, version, rel) {
  const m = pattern.exec(text);
  if (!m) throw new Error(`gen-version: no version found in ${rel} (${pattern})`);
  const at = m.index + m[0].indexOf(m[1]);
  return text.slice(0, at) + version + text.slice(at + m[1].length);
}

export default async function generate({ root }) {
  const { version } = JSON.parse(await read(root, "package.json"));
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`gen-version: package.json version ${version} is not x.y.z`);
  const header = "Generated from package.json by `npm run gen`. Do not edit.";
  // The project's own <version>, right after its <artifactId> (the parent and dependencies come elsewhere).
  const pomVersion = /<artifactId>asession<\/artifactId>\s*<version>([^<]+)<\/version>/;
  return [
    { path: "src/generated/version.ts", content: `// ${header}\nexport const VERSION = ${JSON.stringify(version)};\n` },
    { path: "bindings/python/src/asession/_version.py", content: `# ${header}\n__version__ = ${JSON.stringify(version)}\n` },
    { path: "bindings/go/version_gen.go", content: `// Code generated from package.json by npm run gen. DO NOT EDIT.\n\npackage asession\n\n// Version is this binding's version, the same as the engine it embeds.\nconst Version = ${JSON.stringify(version)}\n` },
    {
      path: "bindings/java/src/main/java/dev/asession/generated/Version.java",
      content: `// ${header}\npackage dev.asession.generated;\n\n/** This binding's version, the same as the engine it carries. */\npublic final class Version {\n  public static final String VERSION = ${JSON.stringify(version)};\n\n  private Version() {}\n}\n`,
    },
    { path: "bindings/java/pom.xml", content: setVersion(await read(root, "bindings/java/pom.xml"), pomVersion, version, "bindings/java/pom.xml") },
    {
      // The consumer depends on the artifact `mvn install` just made: the same version.
      path: "conformance/packaging/java-consumer/pom.xml",
      content: setVersion(await read(root, "conformance/packaging/java-consumer/pom.xml"), pomVersion, version, "conformance/packaging/java-consumer/pom.xml"),
    },
    // README's Maven snippet.
    { path: "README.md", content: setVersion(await read(root, "README.md"), pomVersion, version, "README.md") },
  ];
}
