package asession

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrEngineNotFound is wrapped by Start's error when no asession executable could be found.
var ErrEngineNotFound = errors.New("asession engine not found")

// engineCommand resolves the engine: opts.Engine, then $ASESSION_BIN, then the engine embedded in this package
// (engine_embed.go). The first one set is used without falling back, so a wrong explicit path is reported rather
// than silently replaced. A JavaScript file runs with the Node findNode picks; a bundled engine of another major
// version is refused.
func engineCommand(explicit, node string) (name string, args []string, err error) {
	var path, from string
	switch {
	case explicit != "":
		from = "Options.Engine"
		path, err = lookEngine(explicit, from)
	case os.Getenv(contractEngineEnvVar) != "":
		from = "$" + contractEngineEnvVar
		path, err = lookEngine(os.Getenv(contractEngineEnvVar), from)
	default:
		from = "the embedded engine"
		path, err = embeddedEnginePath()
	}
	if err != nil {
		return "", nil, err
	}
	if v := fileHeaderVersion(path); v != "" {
		if err := checkEngineVersion(v, from+" "+path); err != nil {
			return "", nil, err
		}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".mjs", ".cjs":
		nodePath, nerr := findNode(node)
		if nerr != nil {
			return "", nil, fmt.Errorf("%w (needed to run %s)", nerr, path)
		}
		return nodePath, []string{path}, nil
	}
	return path, nil, nil
}

// lookEngine checks a configured engine: a name without a slash is searched on PATH, like a shell would.
func lookEngine(p, from string) (string, error) {
	if !strings.ContainsRune(p, filepath.Separator) && !strings.ContainsRune(p, '/') {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s %q is not on PATH", ErrEngineNotFound, from, p)
		}
		return found, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%w: %s %q: %v", ErrEngineNotFound, from, p, err)
	}
	if st.IsDir() {
		return "", fmt.Errorf("%w: %s %q is a directory", ErrEngineNotFound, from, p)
	}
	// Absolute, because the engine runs in Options.Dir, where a relative path would point elsewhere.
	return filepath.Abs(p)
}

// engineEnv is the engine's environment (contract: environment): base (or nothing when clear) with the caller's
// "NAME=value" entries laid over it; an entry "NAME" without "=" removes that variable.
func engineEnv(base, given []string, clear bool) []string {
	vars := map[string]string{}
	var order []string
	set := func(kv string) {
		name, value, hasValue := strings.Cut(kv, "=")
		if _, seen := vars[name]; !seen {
			order = append(order, name)
		}
		if hasValue {
			vars[name] = value
		} else {
			delete(vars, name)
		}
	}
	if !clear {
		for _, kv := range base {
			set(kv)
		}
	}
	for _, kv := range given {
		set(kv)
	}
	env := []string{}
	for _, name := range order {
		if value, ok := vars[name]; ok {
			env = append(env, name+"="+value)
		}
	}
	return env
}
