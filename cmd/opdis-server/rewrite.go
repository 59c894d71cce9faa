package main

import (
	"errors"
	"os"
	"path/filepath"

	"opdis/node"
)

// rewriteConfigFile is CONFIG REWRITE's file side: the node computes the
// new text from the old one; this writes it to a temporary file in the
// same directory, fsyncs it and renames it over the original (keeping its
// permissions), so a crash leaves either the old or the new file. A
// missing file is treated as empty, as Redis does. Errors read like
// strerror, for "ERR Rewriting config file: <reason>".
func rewriteConfigFile(n *node.Node, path string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return errors.New(errText(err))
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	text := n.RewriteConfigText(string(old))
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".opdis-conf-rewrite-*")
	if err != nil {
		return errors.New(errText(err))
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.WriteString(text); err != nil {
		return errors.New(errText(err))
	}
	if err := tmp.Chmod(mode); err != nil {
		return errors.New(errText(err))
	}
	if err := tmp.Sync(); err != nil {
		return errors.New(errText(err))
	}
	if err := tmp.Close(); err != nil {
		return errors.New(errText(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.New(errText(err))
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
