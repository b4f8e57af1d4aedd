package advice

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
)

// SampleSize is how many pieces of advice the DCO's monthly audit sample holds.
const SampleSize = 10

// Sampled is one piece of advice in the monthly audit sample.
type Sampled struct {
	RequestID, ChildName, Team, Provider string
	Returned                             time.Time // the first version
	Versions                             int
	AwaitingQA                           bool  // the latest version waits for the DCO
	Rated                                Tally // the latest review's ratings, over every criterion
}

// Sample is the monthly audit sample (issue 5, point 3): SampleSize pieces
// of advice whose first version was returned in month (YYYY-MM), of Returned
// in all. Each is ranked by the SHA-256 of the month and its request's id,
// so opening the month again shows the same sample, and advice returned in
// it later (a late entry) takes its place by rank without moving the others.
// The DCO's partnership-wide reading (advice.qa), audited once.
func Sample(ctx context.Context, d *db.DB, a access.Actor, month string) (list []Sampled, returned int, err error) {
	if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
		return nil, 0, apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer audits health advice")
	}
	start, perr := time.Parse("2006-01", month)
	now := db.Now()
	if perr != nil || start.After(now) {
		return nil, 0, invalid(apperr.Fields{{Name: "month", Message: "Choose a month that has begun, such as " + now.Format("2006-01")}},
			"the sample cannot be drawn")
	}
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		list = list[:0]
		rows, err := tx.QueryContext(ctx, `SELECT r.id, c.given_name || ' ' || c.family_name, o.name, COALESCE(p.name, ''), f.submitted_at
			FROM advice_submissions f JOIN advice_requests r ON r.id = f.request_id JOIN children c ON c.id = r.child_id
			JOIN organisations o ON o.id = r.team_id LEFT JOIN organisations p ON p.id = o.parent_id
			WHERE f.version = 1 AND f.submitted_at >= $1 AND f.submitted_at < $2`, start, start.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		type ranked struct {
			Sampled
			rank [sha256.Size]byte
		}
		var all []ranked
		for rows.Next() {
			var s ranked
			if err := rows.Scan(&s.RequestID, &s.ChildName, &s.Team, &s.Provider, &s.Returned); err != nil {
				rows.Close()
				return err
			}
			s.rank = sha256.Sum256([]byte(month + "\n" + s.RequestID))
			all = append(all, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		returned = len(all)
		slices.SortFunc(all, func(x, y ranked) int { return slices.Compare(x.rank[:], y.rank[:]) })
		for _, s := range all[:min(SampleSize, len(all))] {
			var status string
			var review sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT s.version, s.status, v.id FROM advice_submissions s
				LEFT JOIN advice_reviews v ON v.submission_id = s.id WHERE s.request_id = $1 ORDER BY s.version DESC LIMIT 1`,
				s.RequestID).Scan(&s.Versions, &status, &review); err != nil {
				return err
			}
			s.AwaitingQA = status == AwaitingQA
			if review.Valid {
				rs, err := tx.QueryContext(ctx, "SELECT rating FROM advice_ratings WHERE review_id = $1", review.String)
				if err != nil {
					return err
				}
				for rs.Next() {
					var g string
					if err := rs.Scan(&g); err != nil {
						rs.Close()
						return err
					}
					s.Rated.add(g)
				}
				rs.Close()
				if err := rs.Err(); err != nil {
					return err
				}
			}
			list = append(list, s.Sampled)
		}
		_, err = audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
			ActorRole: a.RoleTitle(), Action: "advice.qa.sample", RecordType: "advice_qa", RecordID: month,
			Reason: fmt.Sprintf("%s: the monthly audit sample of advice returned in %s, %d of %d", QAReason, month, len(list), returned)})
		return err
	})
	return list, returned, err
}
