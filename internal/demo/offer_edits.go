package demo

import (
	"time"

	"joinedup/internal/access"
	"joinedup/internal/offer"
	"joinedup/internal/offer/edits"
)

// offerEdits makes schools the providers of their own SEN support entries
// in the Local Offer: each school with an entry is linked to its provider
// organisation, its SENCOs get the offer_provider role (the persona Rachel
// Evans among them when Brookfield has an entry), and some entries have
// edits waiting for the Local Offer editor or returned with comments.
func offerEdits(a *area) error {
	r := a.rng("local offer edits")
	l := a.g.l
	if err := l.Flush(); err != nil { // the organisations and services first: the rows below refer to them
		return err
	}
	schools := map[string]*org{}
	for _, s := range a.settings {
		schools[s.name] = s
	}
	sencos := map[string][]string{} // by school id
	for _, m := range a.staff {
		if m.role == "SENCO" {
			sencos[m.org.id] = append(sencos[m.org.id], m.id)
		}
	}
	granted := a.g.today.Time().AddDate(0, -6, 0)
	linked := map[string]bool{}
	type own struct {
		svc    offer.Service
		editor string
	}
	var owned []own
	for _, s := range a.offerServices {
		school := schools[s.Organization.Name]
		if school == nil || len(sencos[school.id]) == 0 {
			continue
		}
		if !linked[school.id] {
			linked[school.id] = true
			if err := l.Add("offer_provider_members", []string{"organisation_id", "offer_organization_id"}, school.id, s.Organization.ID); err != nil {
				return err
			}
			for _, p := range sencos[school.id] {
				if err := access.LoadGrant(l, p, "offer_provider", access.ScopeOrganisation, "demo", granted); err != nil {
					return err
				}
			}
		}
		owned = append(owned, own{s, sencos[school.id][0]})
	}
	// A third of the entries have an edit waiting, one in four of those returned.
	now := a.g.today.Time().Add(9 * time.Hour)
	if err := l.Flush(); err != nil { // the editors' names are read back
		return err
	}
	name := func(id string) (string, error) {
		var n string
		err := l.Tx().QueryRowContext(a.g.ctx, "SELECT given_name || ' ' || family_name FROM people WHERE id = $1", id).Scan(&n)
		return n, err
	}
	for i, o := range owned {
		if i%3 != 0 {
			continue
		}
		f := edits.FormOf(o.svc)
		switch r.IntN(3) {
		case 0:
			f.Times = "Monday to Friday in term time, 8:30am to 3:30pm. Drop-in with the SENCO on Wednesdays, 3:30pm to 4:30pm."
		case 1:
			f.Description += " Families can ask for a meeting with the SENCO at any time; we aim to offer one within two weeks."
		default:
			f.Phone = "01632 960" + threeDigits(r.IntN(1000))
		}
		after, err := f.Apply(o.svc)
		if err != nil {
			return err
		}
		who, err := name(o.editor)
		if err != nil {
			return err
		}
		edited := now.Add(-time.Duration(1+r.IntN(20*24)) * time.Hour).Truncate(time.Second)
		e := edits.Edit{ID: r.id(), ServiceID: o.svc.ID, OrganizationID: o.svc.Organization.ID, Status: edits.Pending,
			Before: o.svc, After: after, EditedBy: o.editor, EditedByName: who, EditedAt: edited}
		if (i/3)%4 == 1 {
			e.Status, e.DecidedBy, e.DecidedByName = edits.Returned, "", "Local Offer team"
			e.DecidedAt = edited.Add(26 * time.Hour)
			e.Comments = "Thank you. Please say how families book the SENCO drop-in (by phone or at the office), and check the times match your SEN information report."
		}
		if err := edits.LoadEdit(l, e); err != nil {
			return err
		}
	}
	return nil
}
