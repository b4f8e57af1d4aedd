package advice

import (
	"context"

	"joinedup/internal/access"
)

// Parties are the organisations on either side of a request, as a document
// sent outside joinedup names them (the FHIR export): the council whose
// coordinator asked, and the team asked with its NHS provider. Organisations
// only, nothing about the child, so reading them is not audited; callers read
// the request itself first (Get), which is.
type Parties struct {
	Council, CouncilODS   string // the requester's council (its own organisation, or the council above its team)
	Team                  string
	Provider, ProviderODS string
}

// PartiesOf reads the parties of request id.
func PartiesOf(ctx context.Context, q access.Querier, id string) (Parties, error) {
	var p Parties
	err := q.QueryRowContext(ctx, `SELECT COALESCE(cp.name, co.name), COALESCE(cp.ods_code, co.ods_code, ''),
		t.name, COALESCE(tp.name, ''), COALESCE(tp.ods_code, '')
		FROM advice_requests r JOIN people rp ON rp.id = r.requested_by
		JOIN organisations co ON co.id = rp.organisation_id LEFT JOIN organisations cp ON cp.id = co.parent_id AND co.kind = 'council_team'
		JOIN organisations t ON t.id = r.team_id LEFT JOIN organisations tp ON tp.id = t.parent_id
		WHERE r.id = $1`, id).Scan(&p.Council, &p.CouncilODS, &p.Team, &p.Provider, &p.ProviderODS)
	return p, err
}
