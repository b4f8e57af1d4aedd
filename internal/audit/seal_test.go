package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db/dbtest"
)

// Someone who knows the algorithm rewrites a row and seals it again with a
// correct hash: the next row no longer follows it.
func TestVerifyCatchesAResealedRow(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	for i := range 3 {
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := Append(ctx, d, tx, Event{At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), RequestID: "r", ActorID: "a",
				ActorOrg: "o", ActorRole: "r", Action: "child.view", RecordType: "child", RecordID: "c", Reason: "owner"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var prev string
	d.QueryRow("SELECT prev_hash FROM audit_events WHERE seq = 2").Scan(&prev)
	forged := Event{Seq: 2, At: time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC), RequestID: "r", ActorID: "someone-else",
		ActorOrg: "o", ActorRole: "r", Action: "child.view", RecordType: "child", RecordID: "c", Reason: "owner"}
	_, hash := seal(prev, forged)
	if _, err := d.Exec("UPDATE audit_events SET actor_id = 'someone-else', hash = $1 WHERE seq = 2", hash); err != nil {
		t.Fatal(err)
	}
	_, err := Verify(ctx, d)
	var b *Broken
	if !errors.As(err, &b) || b.Seq != 3 {
		t.Fatalf("resealed row 2: %v, want row 3 to be reported", err)
	}
}

// sealWithJSON is seal as first written, all through encoding/json: the
// definition of every hash already in a log.
func sealWithJSON(prev string, e Event) (changes, hash string) {
	if e.Changes == nil {
		e.Changes = []Change{}
	}
	c, _ := json.Marshal(e.Changes)
	body, _ := json.Marshal(e)
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(body)
	return string(c), hex.EncodeToString(h.Sum(nil))
}

// The fast encoding seals exactly as encoding/json does, for plain events and
// for events full of characters JSON escapes, so no hash in an existing log
// changes.
func TestEncodeIsJSON(t *testing.T) {
	// Every field set, each to its own value: a field added to Event or
	// Change but not to encode fails here.
	var e Event
	fill(reflect.ValueOf(&e).Elem(), 1)
	e.Changes = make([]Change, 2)
	fill(reflect.ValueOf(&e.Changes[0]).Elem(), 100)
	fill(reflect.ValueOf(&e.Changes[1]).Elem(), 200)
	e.At = time.Date(2026, 11, 22, 9, 30, 1, 123456000, time.UTC)
	body, at, ok := encode(nil, e)
	want, _ := json.Marshal(e)
	if !ok || string(body[at:len(body)-1]) != string(must(json.Marshal(e.Changes))) {
		t.Errorf("encode: changes at %d of %s, ok %v", at, body, ok)
	}
	if string(body) != string(want) {
		t.Fatalf("encode:\n%s\nencoding/json:\n%s", body, want)
	}

	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "Z", "0", " ", "-", ".", ":", "'", "/", "{", "}", "[", "]", ",", "WR1 1AA", "child.view",
		`"`, `\`, "<", ">", "&", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u2029", "\xff", "💡"}
	str := func() string {
		var sb strings.Builder
		for range r.IntN(6) {
			p := pieces[r.IntN(15)] // mostly plain
			if r.IntN(8) == 0 {
				p = pieces[r.IntN(len(pieces))]
			}
			sb.WriteString(p)
		}
		return sb.String()
	}
	times := []time.Time{{}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 30, 0, 999999000, time.UTC),
		time.Date(2026, 6, 1, 12, 0, 0, 5, time.FixedZone("BST", 3600)), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 12, 0, 0, 0, time.FixedZone("UTC", 0))}
	plainSeen := 0
	for i := range 20000 {
		e := Event{Seq: r.Int64N(1 << 40), At: times[i%len(times)], RequestID: str(), ActorID: str(), ActorOrg: str(),
			ActorRole: str(), Action: str(), RecordType: str(), RecordID: str(), ChildID: str(), Reason: str()}
		for range r.IntN(3) {
			e.Changes = append(e.Changes, Change{Field: str(), Old: str(), New: str()})
		}
		if i%7 == 0 {
			e.Changes = []Change{}
		}
		prev := str()
		c, h := seal(prev, e)
		wc, wh := sealWithJSON(prev, e)
		if c != wc || h != wh {
			t.Fatalf("event %+v: seal gives %q %s, encoding/json %q %s", e, c, h, wc, wh)
		}
		if _, _, ok := encode(nil, e); ok {
			plainSeen++
		}
	}
	if plainSeen < 1000 {
		t.Errorf("only %d events took the fast encoding", plainSeen)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// fill sets every string field of v to a value of its own, and numbers to n.
func fill(v reflect.Value, n int) {
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("%s-%d", v.Type().Field(i).Name, n+i))
		case reflect.Int64:
			f.SetInt(int64(n + i))
		}
	}
}
