package db

import (
	"bufio"
	"fmt"
	"io/fs"
	"strings"
	"testing/fstest"
)

// A migration is one file both databases run. The few statements only one of
// them understands (full-text search: FTS5 tables and triggers on SQLite,
// tsvector columns and GIN indexes on PostgreSQL) sit between marker lines:
//
//	-- dialect sqlite
//	CREATE VIRTUAL TABLE … USING fts5 (…);
//	-- dialect postgres
//	CREATE INDEX … USING GIN (…);
//	-- dialect end
//
// forDialect keeps the blocks for d and blanks the others (keeping line
// numbers, so goose's errors still point at the right line).
func forDialect(src fs.FS, d Dialect) (fs.FS, error) {
	out := fstest.MapFS{} // an in-memory FS; nothing here is test-only
	err := fs.WalkDir(src, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".sql") {
			s, err := keepDialect(string(b), d)
			if err != nil {
				return fmt.Errorf("migration %s: %w", path, err)
			}
			b = []byte(s)
		}
		out[path] = &fstest.MapFile{Data: b, Mode: 0o444}
		return nil
	})
	return out, err
}

// keepDialect blanks the lines of sql that belong to another dialect.
func keepDialect(sql string, d Dialect) (string, error) {
	var b strings.Builder
	in := Dialect("") // the block we are in; "" is both
	sc := bufio.NewScanner(strings.NewReader(sql))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(text), "-- dialect "); ok {
			switch next := Dialect(strings.TrimSpace(rest)); next {
			case SQLite, Postgres:
				in = next
			case "end":
				if in == "" {
					return "", fmt.Errorf("line %d: \"-- dialect end\" without a block to end", line)
				}
				in = ""
			default:
				return "", fmt.Errorf("line %d: unknown dialect %q (sqlite, postgres or end)", line, next)
			}
			b.WriteByte('\n')
			continue
		}
		if in == "" || in == d {
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
	if in != "" {
		return "", fmt.Errorf("the %s block is not closed with \"-- dialect end\"", in)
	}
	return b.String(), sc.Err()
}
