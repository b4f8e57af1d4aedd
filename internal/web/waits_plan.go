package web

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/csvsafe"
	"joinedup/internal/date"
	"joinedup/internal/waitlist"
	"joinedup/internal/waitlist/store"
)

// projectionPage is the commissioner's projection of one waiting list.
type projectionPage struct {
	Pathways []store.Pathway
	Pathway  store.Pathway
	// The inputs as typed.
	Capacity, Purchased, PurchasedWeeks, Weeks string
	Errors                                     []apperr.Field
	// The results, when the inputs were good.
	Shown            bool
	Waiting          int
	Over52, Over104  int // today
	ReferralsPerWeek float64
	Projection       waitlist.Projection
	Chart            chart
	Query            string
	NoPathway        bool
	Today            date.Date
}

// chart is the server-drawn SVG line chart of the months.
type chart struct {
	Width, Height, Left, Bottom, Top, Right int
	Max                                     int
	Ticks                                   []tick
	MonthTicks                              []tick
	Over52, Over104                         string // polyline points
}

type tick struct {
	Pos   int
	Label string
}

// planInputs reads the projection's inputs; the names are Plan.check's fields.
func planInputs(r *http.Request, p *projectionPage) (waitlist.Plan, []apperr.Field) {
	q := r.URL.Query()
	p.Capacity, p.Purchased, p.PurchasedWeeks, p.Weeks = strings.TrimSpace(q.Get("capacity_per_week")), strings.TrimSpace(q.Get("purchased")),
		strings.TrimSpace(q.Get("purchased_weeks")), strings.TrimSpace(q.Get("weeks"))
	var fs apperr.Fields
	plan := waitlist.Plan{Weeks: 104}
	c, err := strconv.ParseFloat(p.Capacity, 64)
	switch {
	case p.Capacity == "":
		fs.Add("capacity_per_week", "Enter how many children the team can see a week")
	case err != nil || math.IsNaN(c) || math.IsInf(c, 0):
		fs.Add("capacity_per_week", "Enter the capacity as a number, for example 12 or 12.5")
	default:
		plan.CapacityPerWeek = c
	}
	whole := func(name, v string, into *int, what string) {
		if v == "" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fs.Add(name, "Enter "+what+" as a whole number, for example 12")
			return
		}
		*into = n
	}
	whole("purchased", p.Purchased, &plan.Purchased, "the assessments purchased")
	whole("purchased_weeks", p.PurchasedWeeks, &plan.PurchasedWeeks, "the weeks they are spread over")
	whole("weeks", p.Weeks, &plan.Weeks, "the horizon")
	return plan, fs
}

// waitsProjection shows, for a planned capacity, month by month how many
// children will wait over 52 and 104 weeks, and when those waits end.
func (s *server) waitsProjection(w http.ResponseWriter, r *http.Request) {
	p, ok := s.projection(w, r)
	if !ok {
		return
	}
	s.renderForm(w, r, "waits-projection.html", p, p.Errors)
}

// waitsProjectionCSV downloads the projection month by month.
func (s *server) waitsProjectionCSV(w http.ResponseWriter, r *http.Request) {
	p, ok := s.projection(w, r)
	if !ok {
		return
	}
	if !p.Shown {
		s.renderForm(w, r, "waits-projection.html", p, p.Errors)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="waiting-list-projection.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"waiting_list", "month", "month_ending", "waiting", "over_52_weeks", "over_104_weeks"})
	for _, m := range p.Projection.Months {
		cw.Write([]string{csvsafe.Cell(p.Pathway.Name), m.Month, m.Ending.String(), strconv.Itoa(m.Waiting), strconv.Itoa(m.Over52), strconv.Itoa(m.Over104)})
	}
	cw.Flush()
}

// projection reads the inputs and, when there are any, projects the list.
func (s *server) projection(w http.ResponseWriter, r *http.Request) (projectionPage, bool) {
	a, _ := actorOf(r.Context())
	ps, pw, ok, err := s.waitsPathway(r, a)
	if err != nil {
		s.fail(w, r, err)
		return projectionPage{}, false
	}
	p := projectionPage{Pathways: ps, Pathway: pw, NoPathway: !ok, Today: todayOf()}
	if !ok {
		return p, true
	}
	plan, bad := planInputs(r, &p)
	if len(r.URL.Query()) == 0 || (len(r.URL.Query()) == 1 && r.URL.Query().Has("pathway")) {
		return p, true // the form, not yet filled in
	}
	if len(bad) > 0 {
		p.Errors = bad
		return p, true
	}
	_, waits, received, err := store.ListWaits(r.Context(), s.db, a, pw.ID, p.Today)
	if err != nil {
		s.fail(w, r, err)
		return p, false
	}
	plan.Start = p.Today
	plan.ReferralsPerWeek = waitlist.ReferralRate(received, p.Today)
	pr, err := waitlist.Project(waits, plan)
	if fs := invalidFields(err); fs != nil {
		p.Errors = waitsFields(fs)
		return p, true
	}
	if err != nil {
		s.fail(w, r, err)
		return p, false
	}
	p.Shown, p.Projection, p.ReferralsPerWeek, p.Waiting = true, pr, plan.ReferralsPerWeek, len(waits)
	for _, d := range waits {
		if d > 364 {
			p.Over52++
		}
		if d > 728 {
			p.Over104++
		}
	}
	p.Query = r.URL.RawQuery
	p.Chart = drawChart(pr.Months, max(p.Over52, 1))
	return p, true
}

// drawChart lays out the months' counts over 52 and 104 weeks as two lines.
func drawChart(months []waitlist.Month, atLeast int) chart {
	c := chart{Width: 640, Height: 320, Left: 56, Bottom: 40, Top: 16, Right: 16}
	c.Max = atLeast
	for _, m := range months {
		c.Max = max(c.Max, m.Over52, m.Over104)
	}
	// A round top for the axis: 1, 2 or 5 times a power of ten.
	step := 1
	for c.Max/step > 5 {
		switch s := fmt.Sprint(step); s[0] {
		case '1':
			step *= 2
		case '2':
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	top := (c.Max + step - 1) / step * step
	c.Max = max(top, 1)
	plotW, plotH := c.Width-c.Left-c.Right, c.Height-c.Top-c.Bottom
	y := func(v int) int { return c.Top + plotH - v*plotH/c.Max }
	x := func(i int) int {
		if len(months) < 2 {
			return c.Left
		}
		return c.Left + i*plotW/(len(months)-1)
	}
	for v := 0; v <= c.Max; v += step {
		c.Ticks = append(c.Ticks, tick{y(v), strconv.Itoa(v)})
	}
	var p52, p104 []string
	for i, m := range months {
		p52 = append(p52, fmt.Sprintf("%d,%d", x(i), y(m.Over52)))
		p104 = append(p104, fmt.Sprintf("%d,%d", x(i), y(m.Over104)))
		if i%6 == 0 || i == len(months)-1 {
			c.MonthTicks = append(c.MonthTicks, tick{x(i), m.Ending.Time().Format("Jan 2006")})
		}
	}
	c.Over52, c.Over104 = strings.Join(p52, " "), strings.Join(p104, " ")
	return c
}

// clearanceWords says when waits over a threshold end, or that they never do.
func clearanceWords(c waitlist.Clearance, over string, today date.Date) string {
	switch {
	case c.Never:
		return "Waits over " + over + " weeks never end at this capacity: referrals arrive as fast as, or faster than, children are seen."
	case c.Within && !c.On.After(today):
		return "No child waits over " + over + " weeks, and none will at this capacity."
	case c.Within:
		return "The last wait over " + over + " weeks ends by " + c.On.Time().Format("2 January 2006") + "."
	}
	return "Waits over " + over + " weeks go on past the end of the projection; at this capacity the last ends by about " + c.By.Time().Format("January 2006") + "."
}

func init() {
	waitsFuncs["clearance"] = clearanceWords
	waitsFuncs["waitsAdd"] = func(a, b int) int { return a + b }
	waitsFuncs["waitsSub"] = func(a, b int) int { return a - b }
	waitsFuncs["rate"] = func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
}
