package advice

import (
	"context"
	"database/sql"

	"joinedup/internal/date"
)

// ForPlan is one team's advice as a child's EHC plan draws on it: the latest
// version the team submitted, its date and its statements.
type ForPlan struct {
	RequestID  string
	Team       string // the body's name, as the clock's events carry it
	Given      date.Date
	Statements []Statement
}

// AdviceForPlan returns the advice every team has returned for the child,
// oldest request first, each at its latest version. Withdrawn and unanswered
// requests give nothing. The caller holds the transaction and has already
// checked, with access.Require, that its actor may change the child's case:
// package plan reads it to start a draft (sections C, G and K).
func AdviceForPlan(ctx context.Context, tx *sql.Tx, childID string) ([]ForPlan, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, contributor FROM advice_requests
		WHERE child_id = $1 AND status = $2 ORDER BY sent_on, id`, childID, Submitted)
	if err != nil {
		return nil, err
	}
	var out []ForPlan
	for rows.Next() {
		var f ForPlan
		if err := rows.Scan(&f.RequestID, &f.Team); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		subs, err := submissions(ctx, tx, "s.request_id = $1", out[i].RequestID)
		if err != nil {
			return nil, err
		}
		if len(subs) == 0 {
			continue
		}
		last := subs[len(subs)-1]
		out[i].Given = date.Today(last.SubmittedAt)
		out[i].Statements = last.Statements
	}
	return out, nil
}
