package asession

// The one-file engine embedded in this package, written once to the user's cache folder, and the Node that
// runs it. Nothing is downloaded. engine/asession.mjs is a committed copy of the bundle (go get fetches only
// committed files); `npm run gen:check` keeps it equal to what the repository's src/ builds.

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed engine/asession.mjs
var embeddedEngine []byte

// ErrEngineVersion is wrapped by Start's error when the engine's major version is not the binding's.
var ErrEngineVersion = errors.New("asession engine of another major version")

// minNode is the oldest Node the engine runs on.
var minNode = [2]int{20, 19}

var (
	headerRe      = regexp.MustCompile(`(?m)^// asession engine (\d+\.\d+\.\d+\S*?):`)
	nodeVersionRe = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)`)
	versionOutRe  = regexp.MustCompile(`^asession (\d+\.\d+\.\d+\S*)\s*$`)
)

// The cached file, once written by this process; a failure is not remembered, so a later Start tries again.
var extracted struct {
	sync.Mutex
	path string
}

// embeddedEnginePath is the cached file holding the embedded engine, written on first use.
func embeddedEnginePath() (string, error) {
	extracted.Lock()
	defer extracted.Unlock()
	if extracted.path != "" {
		return extracted.path, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%w: no cache folder for the embedded engine (%v); set $XDG_CACHE_HOME or $HOME, or $ASESSION_BIN", ErrEngineNotFound, err)
	}
	path, err := writeOnce(filepath.Join(dir, "asession"), embeddedEngine)
	if err == nil {
		extracted.path = path
	}
	return path, err
}

// writeOnce stores content in dir under a name made of its hash, unless a file with that content is already
// there. Concurrent first runs (threads or processes) each write a private temporary file and rename it into
// place: rename is atomic, so a reader sees no file or a whole one, never a partial one.
func writeOnce(dir string, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	path := filepath.Join(dir, "engine-"+hex.EncodeToString(sum[:8])+".mjs")
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, content) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%w: writing the embedded engine: %v", ErrEngineNotFound, err)
	}
	tmp, err := os.CreateTemp(dir, ".engine-*.tmp")
	if err != nil {
		return "", fmt.Errorf("%w: writing the embedded engine: %v", ErrEngineNotFound, err)
	}
	_, werr := tmp.Write(content)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("%w: writing the embedded engine to %s: %v", ErrEngineNotFound, path, werr)
	}
	return path, nil
}

// headerVersion is the version a bundled engine names near its top, "" for anything else (a wrapper script).
func headerVersion(head []byte) string {
	if len(head) > 512 {
		head = head[:512]
	}
	if m := headerRe.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

func fileHeaderVersion(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	return headerVersion(head[:n])
}

func major(version string) string {
	return strings.SplitN(version, ".", 2)[0]
}

// checkEngineVersion refuses an engine whose major version is not this binding's.
func checkEngineVersion(version, where string) error {
	if major(version) != major(Version) {
		return fmt.Errorf("%w: %s is version %s, but this Go module (%s) speaks major version %s only; use a matching engine or module version",
			ErrEngineVersion, where, version, Version, major(Version))
	}
	return nil
}

// Node versions already asked, by path.
var nodeVersions sync.Map

// nodeProblem says why this node cannot run the engine, "" when it can.
func nodeProblem(node string) string {
	v, ok := nodeVersions.Load(node)
	if !ok {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, node, "--version").Output()
		cancel()
		var parsed []int
		if m := nodeVersionRe.FindSubmatch(bytes.TrimSpace(out)); err == nil && m != nil {
			for _, g := range m[1:] {
				n, _ := strconv.Atoi(string(g))
				parsed = append(parsed, n)
			}
		}
		v, _ = nodeVersions.LoadOrStore(node, parsed)
	}
	parsed := v.([]int)
	if parsed == nil {
		return "does not run or is not Node"
	}
	if parsed[0] < minNode[0] || parsed[0] == minNode[0] && parsed[1] < minNode[1] {
		return fmt.Sprintf("is Node %d.%d.%d, older than %d.%d", parsed[0], parsed[1], parsed[2], minNode[0], minNode[1])
	}
	return ""
}

// findNode picks the Node that runs an engine file: Options.Node, then $ASESSION_NODE, then node on PATH. A
// value that is set but unfit is reported, not replaced by the next one.
func findNode(explicit string) (string, error) {
	var tried []string
	for _, c := range []struct{ value, from string }{{explicit, "Options.Node"}, {os.Getenv("ASESSION_NODE"), "$ASESSION_NODE"}} {
		if c.value == "" {
			tried = append(tried, c.from+" (empty)")
			continue
		}
		path, err := exec.LookPath(c.value)
		if err != nil {
			return "", fmt.Errorf("%w: %s %q: %v", ErrEngineNotFound, c.from, c.value, err)
		}
		if p := nodeProblem(path); p != "" {
			return "", fmt.Errorf("%w: %s %q %s (asession needs Node >= %d.%d)", ErrEngineNotFound, c.from, c.value, p, minNode[0], minNode[1])
		}
		return path, nil
	}
	path, err := exec.LookPath("node")
	problem := "not found"
	if err == nil {
		if problem = nodeProblem(path); problem == "" {
			return path, nil
		}
		problem = path + " " + problem
	}
	tried = append(tried, "node on PATH ("+problem+")")
	return "", fmt.Errorf("%w: no Node >= %d.%d to run the engine; tried %s", ErrEngineNotFound, minNode[0], minNode[1], strings.Join(tried, ", "))
}

// EngineVersion runs the engine Start would run (opts as for Start; nil for defaults) with --version and
// returns the version it reports, refusing one of another major version (ErrEngineVersion).
func EngineVersion(ctx context.Context, opts *Options) (string, error) {
	if opts == nil {
		opts = &Options{}
	}
	name, args, err := engineCommand(opts.Engine, opts.Node)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, name, append(args, "--version")...)
	cmd.Env = opts.Env
	out, err := cmd.Output()
	m := versionOutRe.FindSubmatch(out)
	if err != nil || m == nil {
		return "", fmt.Errorf("asession: %s --version answered %q (%v), not \"asession X.Y.Z\"", name, bytes.TrimSpace(out), err)
	}
	if err := checkEngineVersion(string(m[1]), name+" "+strings.Join(args, " ")); err != nil {
		return "", err
	}
	return string(m[1]), nil
}
