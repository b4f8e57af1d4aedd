package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The built CSS and JavaScript are made by `make assets` before go test; a
// binary without them serves unstyled pages, so their absence fails here.
func TestBuiltAssetsAreEmbedded(t *testing.T) {
	a, err := loadAssets(mustSub(t))
	if err != nil {
		t.Fatal(err)
	}
	if m := a.missing(); len(m) > 0 {
		t.Fatalf("the built assets %v are missing from internal/web/static/build: run `make assets` (it needs `npm ci`) before go test", m)
	}
}

func TestStaticFilesAreServedUnderTheirHash(t *testing.T) {
	s := newSite(t)
	for name, wantType := range map[string]string{
		"app.css":               "text/css; charset=utf-8",
		"app.js":                "text/javascript; charset=utf-8",
		"govuk-frontend.min.js": "text/javascript; charset=utf-8",
		"favicon.svg":           "image/svg+xml",
	} {
		t.Run(name, func(t *testing.T) {
			want := readStatic(t, name)
			url := s.assetURL(t, name)
			if !regexp.MustCompile(`^/static/[0-9a-f]{16}/`).MatchString(url) {
				t.Errorf("url %s is not under a content hash", url)
			}
			w := s.get(t, url)
			if w.Code != 200 {
				t.Fatalf("GET %s: %d", url, w.Code)
			}
			if got := w.Header().Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type %q, want %q", got, wantType)
			}
			if got := w.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", got)
			}
			if !bytes.Equal(w.Body.Bytes(), want) {
				t.Error("the body is not the file")
			}

			gz := s.get(t, url, "Accept-Encoding", "gzip, br")
			if gz.Header().Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(gz.Body)
				if err != nil {
					t.Fatal(err)
				}
				if got, _ := io.ReadAll(zr); !bytes.Equal(got, want) {
					t.Error("the gzipped body is not the file")
				}
			} else if len(want) > 10000 {
				t.Errorf("a %d-byte file was not compressed for a browser that accepts gzip", len(want))
			}
		})
	}
	for _, bad := range []string{
		"/static/0123456789abcdef/app.css",                                  // another build's hash
		strings.Replace(s.assetURL(t, "app.css"), "app.css", "nope.css", 1), // no such file
		strings.Replace(s.assetURL(t, "app.css"), "app.css", ".built", 1),   // make's stamp is not served
		"/static/app.css",
	} {
		w := s.get(t, bad)
		if w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", bad, w.Code)
		}
		if strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: a 404 is cached as immutable", bad)
		}
	}
}

func TestHashChangesWithContent(t *testing.T) {
	a, _ := loadAssets(mustSub(t))
	b, _ := loadAssets(overlay{mustSub(t), "app.css", []byte("body{}")})
	if a.hash == b.hash {
		t.Error("changing app.css did not change the hash: browsers would keep the old file for a year")
	}
}

func TestPagesUseTheHashedFiles(t *testing.T) {
	s := newSite(t)
	body := s.get(t, "/").Body.String()
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		if !strings.Contains(body, `"`+s.assetURL(t, name)+`"`) {
			t.Errorf("the home page does not link %s", s.assetURL(t, name))
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
		t.Error("the page has inline script or style, which the CSP blocks")
	}
}

// The CSS must not reach for GOV.UK's fonts, crest or any file we do not serve.
func TestCSSFetchesNothingElse(t *testing.T) {
	css := string(readStatic(t, "app.css"))
	if strings.Contains(css, "GDS Transport") {
		t.Error("app.css uses GDS Transport, which is licensed only for GOV.UK")
	}
	if m := regexp.MustCompile(`url\([^)]*\)`).FindAllString(css, -1); len(m) > 0 {
		t.Errorf("app.css fetches %v: every file must be ours, under the hashed path", m)
	}
	if !strings.Contains(css, ".govuk-generic-header") {
		t.Error("app.css lacks the Generic header styles")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "br, gzip": true, "gzip;q=0": false, "gzip; q=0.5": true, "identity": false, "GZIP": true,
	} {
		r := httptestRequest(ae)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", ae, got, want)
		}
	}
}

func readStatic(t *testing.T, name string) []byte {
	t.Helper()
	for _, p := range []string{"static/" + name, "static/build/" + name} {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	t.Fatalf("%s is not in internal/web/static: run `make assets`", name)
	return nil
}

// overlay is fsys with one file's content replaced.
type overlay struct {
	fs.FS
	name string
	body []byte
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if strings.HasSuffix(name, "/"+o.name) {
		return o.body, nil
	}
	return fs.ReadFile(o.FS, name)
}

func httptestRequest(acceptEncoding string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	if acceptEncoding != "" {
		r.Header.Set("Accept-Encoding", acceptEncoding)
	}
	return r
}
