package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
)

// static holds the committed icon and, once `make assets` has run, the built
// CSS and JavaScript in static/build (git-ignored). The committed file keeps
// this embed compiling on a fresh clone before anything is built.
//
//go:embed static
var static embed.FS

// builtAssets are the files `make assets` writes; without them pages have no
// styles or scripts. New warns when they are missing; the tests fail.
var builtAssets = []string{"app.css", "app.js", "govuk-frontend.min.js"}

// contentTypes are set explicitly rather than from the host's MIME table:
// a module script served with the wrong type does not run.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

// asset is one file served under /static/<hash>/<name>.
type asset struct {
	body, gzipped []byte // gzipped is nil when compressing does not help
	contentType   string
}

// assets are every static file, served under one hash of all of them. One
// hash for the bundle, not one per file, because app.js imports
// ./govuk-frontend.min.js by a relative URL, which must land in the same folder.
type assets struct {
	hash  string
	files map[string]asset
}

// loadAssets reads the files in fsys (static/ and static/build/, flattened by name) and hashes them.
func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]asset{}}
	h := sha256.New()
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := path.Base(p)
		ct, ok := contentTypes[path.Ext(name)]
		if !ok {
			return nil // e.g. make's .built stamp
		}
		if _, dup := a.files[name]; dup {
			return fmt.Errorf("static file %s appears twice", name)
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a.files[name] = asset{body: body, gzipped: compress(body), contentType: ct}
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the static files: %w", err)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(a.files[n].body))
		h.Write(a.files[n].body)
	}
	a.hash = hex.EncodeToString(h.Sum(nil))[:16]
	return a, nil
}

// missing lists the built files that are not there.
func (a *assets) missing() []string {
	var m []string
	for _, n := range builtAssets {
		if _, ok := a.files[n]; !ok {
			m = append(m, n)
		}
	}
	return m
}

// url is the address of a static file, for templates ({{asset "app.css"}}).
func (a *assets) url(name string) string { return "/static/" + a.hash + "/" + name }

func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// static serves a file of this build. The hash in the path names the build,
// so the file may be cached for a year; a path from another build is 404,
// not this build's file, so a stale page never gets a mismatched script.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files[r.PathValue("name")]
	if !ok || r.PathValue("hash") != s.assets.hash {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := f.body
	if f.gzipped != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// acceptsGzip reads Accept-Encoding, honouring an explicit "gzip;q=0".
func acceptsGzip(r *http.Request) bool {
	for _, field := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(field, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
