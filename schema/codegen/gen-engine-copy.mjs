// The one-file engine (scripts/bundle.mjs) as committed in the Go module, which embeds it with go:embed:
// `go get` fetches only committed files of the module's folder, so the copy lives there and this drift check
// (npm run gen:check, in CI) keeps it equal to what src/ builds today. The Python wheel and the Java jar take
// the freshly built dist/cli.js instead.
import { bundleEngine } from "../../scripts/bundle.mjs";

export default async function generate() {
  return [{ path: "bindings/go/engine/asession.mjs", content: await bundleEngine() }];
}
