package offer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/apperr"
)

// Reading an ORUK 3.0 feed: a paged envelope ({"contents": [...]}), a JSON
// array of services, or ndjson (one full service a line, as our own
// /oruk/services?format=ndjson writes). Each service is decoded apart, so a
// bad one is reported with its place (line for ndjson, index and line for
// JSON) and the field at fault, and the rest are still checked.

// MaxFeedBytes bounds what one import reads, over all its pages: a
// 20,000-service directory is about 110 MiB of ndjson, and the whole feed is
// held in memory to compare it with the directory before anything is
// written. A larger feed is refused, not truncated.
const MaxFeedBytes = 256 << 20

// maxProblems is how many problems an import lists before it only counts them.
const maxProblems = 200

// FeedItem is one service of a feed and where it was.
type FeedItem struct {
	Where   string // "line 7", "services[3] (line 40)", "page 2 contents[5] (line 12)"
	Service Service
}

// problems collects what is wrong with a feed, each with its place and field.
type problems struct {
	fs    apperr.Fields
	count int
}

func (p *problems) add(where, field, message string) {
	p.count++
	if len(p.fs) < maxProblems {
		name := where
		if field != "" {
			name += ": " + field
		}
		p.fs.Add(name, message)
	}
}

// addErr adds an error from a validation: each of its fields, or its message.
func (p *problems) addErr(where string, err error) {
	var e *apperr.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			p.add(where, f.Name, f.Message)
		}
		return
	}
	p.add(where, "", err.Error())
}

func (p *problems) err() error {
	if p.count == 0 {
		return nil
	}
	msg := fmt.Sprintf("the feed has %d problems; nothing was imported", p.count)
	if p.count == 1 {
		msg = "the feed has a problem; nothing was imported"
	}
	if p.count > len(p.fs) {
		msg += fmt.Sprintf(" (the first %d are listed)", len(p.fs))
	}
	return &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: p.fs}
}

// ReadFeed reads a feed from r, at most MaxFeedBytes of it.
func ReadFeed(r io.Reader) ([]FeedItem, error) {
	data, err := readBounded(r, MaxFeedBytes)
	if err != nil {
		return nil, err
	}
	items, _, err := parseFeed(data, "")
	return items, err
}

func readBounded(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if size := sizeOf(r); size > 0 && size <= limit {
		buf.Grow(int(size) + bytes.MinRead) // one allocation, not a doubling series
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, apperr.Errorf(apperr.Invalid, "the feed is larger than %d MiB, the most one import reads: split it, or import by URL page by page", limit>>20)
	}
	return data, nil
}

// sizeOf is what r says its size is, or 0.
func sizeOf(r io.Reader) int64 {
	switch x := r.(type) {
	case interface{ Len() int }:
		return int64(x.Len())
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := x.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

// envelope is what a paged feed says about its pages.
type envelope struct {
	Contents   *json.RawMessage `json:"contents"`
	PageNumber int              `json:"page_number"`
	TotalPages int              `json:"total_pages"`
	LastPage   *bool            `json:"last_page"`
}

// parseFeed splits data into services; prefix goes before each place. It
// returns the envelope when the data was one.
func parseFeed(data []byte, prefix string) ([]FeedItem, *envelope, error) {
	if err := CheckUTF8(data); err != nil {
		return nil, nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	body := bytes.TrimLeft(data, " \t\r\n")
	skipped := len(data) - len(body)
	var p problems
	switch {
	case len(body) == 0:
		return nil, nil, apperr.Errorf(apperr.Invalid, "the feed is empty")
	case body[0] == '[':
		items := parseArray(data, skipped, prefix+"services", &p)
		return items, nil, p.err()
	case body[0] != '{':
		return nil, nil, apperr.Errorf(apperr.Invalid, "the feed is not JSON: it should be an ORUK page ({\"contents\": [...]}), an array of services or ndjson")
	}
	// One object holding contents is a page; otherwise each line is a service.
	dec := json.NewDecoder(bytes.NewReader(data))
	var env envelope
	if err := dec.Decode(&env); err == nil && env.Contents != nil {
		if _, err := dec.Token(); err != io.EOF {
			return nil, nil, apperr.Errorf(apperr.Invalid, "the feed has more after its page's closing }")
		}
		at := bytes.Index(data, *env.Contents) // where contents starts, for line numbers
		items := parseArray(data, at, prefix+"contents", &p)
		return items, &env, p.err()
	}
	items := parseLines(data, prefix, &p)
	return items, nil, p.err()
}

// parseArray reads the JSON array starting at data[at:], each element a service.
func parseArray(data []byte, at int, name string, p *problems) []FeedItem {
	dec := json.NewDecoder(bytes.NewReader(data[at:]))
	if _, err := dec.Token(); err != nil { // [
		p.add(fmt.Sprintf("line %d", lineAt(data, at)), "", "is not valid JSON: "+err.Error())
		return nil
	}
	var items []FeedItem
	for i := 0; dec.More(); i++ {
		start := at + int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			off := start
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = at + int(se.Offset)
			}
			p.add(fmt.Sprintf("%s[%d] (line %d)", name, i, lineAt(data, off)), "", "is not valid JSON: "+err.Error())
			return items // the rest cannot be found reliably
		}
		// InputOffset was before any comma and spaces: count lines from the value.
		start += len(data[start:]) - len(bytes.TrimLeft(data[start:], ", \t\r\n"))
		where := fmt.Sprintf("%s[%d] (line %d)", name, i, lineAt(data, start))
		if s, ok := decodeService(raw, where, p); ok {
			items = append(items, FeedItem{where, s})
		}
	}
	if _, err := dec.Token(); err != nil { // ]
		p.add(fmt.Sprintf("line %d", lineAt(data, len(data))), "", "the list of services is not closed with ]")
	}
	return items
}

// maxLine bounds one ndjson line: a service with everything nested is a
// few kilobytes.
const maxLine = 4 << 20

// parseLines reads ndjson: a service on each line; blank lines are skipped.
func parseLines(data []byte, prefix string, p *problems) []FeedItem {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var items []FeedItem
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		where := fmt.Sprintf("%sline %d", prefix, n)
		if s, ok := decodeService(line, where, p); ok {
			items = append(items, FeedItem{where, s})
		}
	}
	if sc.Err() != nil {
		p.add(fmt.Sprintf("%sline %d", prefix, n+1), "", fmt.Sprintf("is longer than %d MiB: is this ndjson, one service a line?", maxLine>>20))
	}
	return items
}

// decodeService reads one service, reporting a wrong type with its field.
func decodeService(raw []byte, where string, p *problems) (Service, bool) {
	var s Service
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		p.add(where, "", "is not a service: each service is a JSON object")
		return s, false
	}
	err := json.Unmarshal(raw, &s)
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	switch {
	case err == nil:
		// Checked here too, so a feed's problems are all told at once.
		prepare(&s)
		if err := s.Validate(); err != nil {
			p.addErr(where, err)
			return s, false
		}
		return s, true
	case errors.As(err, &te):
		p.add(where, te.Field, fmt.Sprintf("must be %s, not %s", kindName(te.Type), te.Value))
	case errors.As(err, &se):
		p.add(where, "", fmt.Sprintf("is not valid JSON: %v (at character %d)", se, se.Offset))
	case errors.As(err, &pe):
		p.add(where, "", fmt.Sprintf("has a time that is not RFC 3339, e.g. 2026-11-22T09:00:00Z: %q", pe.Value))
	default:
		p.add(where, "", err.Error())
	}
	return s, false
}

func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

// lineAt is the line number of byte off of data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// maxPages bounds how many pages a paged feed is followed for.
const maxPages = 10000

// FetchFeed reads a feed from an http(s) URL, following a paged feed's pages
// (page=2, 3… until last_page) and reading at most MaxFeedBytes in all.
func FetchFeed(ctx context.Context, client *http.Client, feedURL string) ([]FeedItem, error) {
	u, err := url.Parse(feedURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, apperr.Errorf(apperr.Invalid, "%q is not an http or https URL", feedURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	var all []FeedItem
	budget := int64(MaxFeedBytes)
	first := 1
	if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > 0 {
		first = n
	}
	for page := first; page < first+maxPages; page++ {
		if page > first {
			q := u.Query()
			q.Set("page", strconv.Itoa(page))
			u.RawQuery = q.Encode()
		}
		data, err := get(ctx, client, u.String(), budget)
		if err != nil {
			return nil, err
		}
		budget -= int64(len(data))
		prefix := ""
		if page > first || u.Query().Has("page") {
			prefix = fmt.Sprintf("page %d ", page)
		}
		items, env, err := parseFeed(data, prefix)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if env == nil || len(items) == 0 || (env.LastPage != nil && *env.LastPage) ||
			(env.LastPage == nil && (env.TotalPages == 0 || page >= env.TotalPages)) {
			return all, nil
		}
	}
	return nil, apperr.Errorf(apperr.Invalid, "the feed has more than %d pages: ask for bigger pages (per_page)", maxPages)
}

func get(ctx context.Context, client *http.Client, u string, budget int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/x-ndjson")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, apperr.Errorf(apperr.Invalid, "GET %s answered %s", u, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
		return nil, apperr.Errorf(apperr.Invalid, "GET %s answered %s, not JSON", u, ct)
	}
	return readBounded(resp.Body, budget)
}
