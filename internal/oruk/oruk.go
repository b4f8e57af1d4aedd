// Package oruk serves the Local Offer as Open Referral UK 3.0: the nine GET
// endpoints of the UK profile's OpenAPI, its paging envelope and filters,
// plus modified_after, organization_id and an unpaged format=ndjson export.
// Anyone may call it, with no key, from any origin: every answer, errors
// included, carries Access-Control-Allow-Origin: *. Bad input gets a 400 that
// names each wrong parameter; nothing a caller sends should produce a 500.
//
// internal/web mounts the handlers under /oruk in its route table; the
// conformance suite (conformance/) crawls them as the ORUK validator does.
package oruk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// API answers ORUK requests from the directory.
type API struct {
	store  *offer.Store
	logger *slog.Logger
}

// New returns the API over store; logger may be nil.
func New(store *offer.Store, logger *slog.Logger) *API {
	if logger == nil {
		logger = slog.Default()
	}
	return &API{store: store, logger: logger}
}

// What GET / says about this API: the same profile and OpenAPI the ORUK
// validator's reference feed names.
const (
	Version    = "HSDS-UK-3.0"
	ProfileURL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
	OpenAPIURL = "https://docs.openreferraluk.org/en/latest/openapi30.json"
)

// Root is GET /: the version, profile and OpenAPI of this API.
func (a *API) Root(w http.ResponseWriter, r *http.Request) {
	a.write(w, http.StatusOK, map[string]string{"version": Version, "profile": ProfileURL, "openapi_url": OpenAPIURL})
}

// Services is GET /services: a page of services, or all of them fully nested as ndjson.
func (a *API) Services(w http.ResponseWriter, r *http.Request) {
	p, ok := a.params(w, r, serviceFilters)
	if !ok {
		return
	}
	if p.ndjson {
		a.stream(w, r, func(emit func(any) error) error {
			return a.store.EachService(r.Context(), p.filter, func(s offer.Service) error { return emit(s) })
		})
		return
	}
	l, err := a.store.Summaries(r.Context(), p.filter, p.page)
	page(a, w, r, p, l, err)
}

// Service is GET /services/{id}: one service, fully nested.
func (a *API) Service(w http.ResponseWriter, r *http.Request) {
	one(a, w, r, a.store.Service)
}

// ServiceAtLocations is GET /service_at_locations, which alone takes postcode and proximity.
func (a *API) ServiceAtLocations(w http.ResponseWriter, r *http.Request) {
	p, ok := a.params(w, r, serviceFilters|placeFilters)
	if !ok {
		return
	}
	list(a, w, r, p, func(ctx context.Context, pg offer.Page) (offer.List[offer.ServiceAtLocation], error) {
		return a.store.ServiceAtLocations(ctx, p.filter, pg)
	})
}

// ServiceAtLocation is GET /service_at_locations/{id}.
func (a *API) ServiceAtLocation(w http.ResponseWriter, r *http.Request) {
	one(a, w, r, a.store.ServiceAtLocation)
}

// Taxonomies is GET /taxonomies.
func (a *API) Taxonomies(w http.ResponseWriter, r *http.Request) {
	p, ok := a.params(w, r, 0)
	if !ok {
		return
	}
	list(a, w, r, p, a.store.Taxonomies)
}

// Taxonomy is GET /taxonomies/{id}, with its terms.
func (a *API) Taxonomy(w http.ResponseWriter, r *http.Request) {
	one(a, w, r, a.store.Taxonomy)
}

// TaxonomyTerms is GET /taxonomy_terms, which takes taxonomy_id, parent_id and top_only.
func (a *API) TaxonomyTerms(w http.ResponseWriter, r *http.Request) {
	p, ok := a.params(w, r, termFilters)
	if !ok {
		return
	}
	list(a, w, r, p, func(ctx context.Context, pg offer.Page) (offer.List[offer.TaxonomyTerm], error) {
		return a.store.TaxonomyTerms(ctx, p.terms, pg)
	})
}

// TaxonomyTerm is GET /taxonomy_terms/{id}.
func (a *API) TaxonomyTerm(w http.ResponseWriter, r *http.Request) {
	one(a, w, r, a.store.TaxonomyTerm)
}

// NotFound answers any other address under the API, in JSON.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, apperr.Errorf(apperr.NotFound, "there is no such ORUK endpoint: the endpoints are /, /services, /services/{id}, "+
		"/service_at_locations, /service_at_locations/{id}, /taxonomies, /taxonomies/{id}, /taxonomy_terms and /taxonomy_terms/{id}"))
}

// Preflight answers a browser's CORS preflight: any origin may GET.
func (a *API) Preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	cors(h)
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "*")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// cors lets any site read the answer: the directory is open data.
func cors(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
}

// params parses a list request, answering 400 itself when it is bad.
func (a *API) params(w http.ResponseWriter, r *http.Request, what accepts) (params, bool) {
	p, err := a.parse(r.Context(), r.URL.Query(), what)
	if err != nil {
		a.fail(w, r, err)
		return p, false
	}
	return p, true
}

// list answers a list request: a page in the envelope, or every item as ndjson.
func list[T any](a *API, w http.ResponseWriter, r *http.Request, p params, fetch func(context.Context, offer.Page) (offer.List[T], error)) {
	if !p.ndjson {
		l, err := fetch(r.Context(), p.page)
		page(a, w, r, p, l, err)
		return
	}
	a.stream(w, r, func(emit func(any) error) error {
		for n := 1; ; n++ {
			l, err := fetch(r.Context(), offer.Page{Number: n, Size: MaxPerPage})
			if err != nil {
				return err
			}
			for _, item := range l.Items {
				if err := emit(item); err != nil {
					return err
				}
			}
			if n*MaxPerPage >= l.Total {
				return nil
			}
		}
	})
}

// one answers a request for one record by the {id} in the path.
func one[T any](a *API, w http.ResponseWriter, r *http.Request, get func(context.Context, string) (T, error)) {
	id := r.PathValue("id")
	if !isUUID(id) {
		a.fail(w, r, apperr.Errorf(apperr.NotFound, "there is nothing with the id %.64q: ids are UUIDs", id))
		return
	}
	v, err := get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.write(w, http.StatusOK, v)
}

// Envelope is ORUK's paging envelope around a page of contents.
type Envelope[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"` // the number of items on this page
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"` // this page has no items
	Contents   []T  `json:"contents"`
}

// NewEnvelope wraps page p of a list of total items. There is always a page
// 1, even of nothing; a page past the last is empty.
func NewEnvelope[T any](items []T, total int, p offer.Page) Envelope[T] {
	if items == nil {
		items = []T{}
	}
	pages := max(1, (total+p.Size-1)/p.Size)
	return Envelope[T]{TotalItems: total, TotalPages: pages, PageNumber: p.Number, Size: len(items),
		FirstPage: p.Number == 1, LastPage: p.Number >= pages, Empty: len(items) == 0, Contents: items}
}

func page[T any](a *API, w http.ResponseWriter, r *http.Request, p params, l offer.List[T], err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	env := NewEnvelope(l.Items, l.Total, p.page)
	if raw, ok := any(env.Contents).([]json.RawMessage); ok {
		env.Contents = env.Contents[:0] // encoded as []: the items go in after
		a.writeRaw(w, r, env, raw)
		return
	}
	a.write(w, http.StatusOK, env)
}

// writeRaw sends a page whose items are JSON already (services' summaries,
// which we wrote): encoding/json would check and copy every byte of them
// again, which cost more than the search.
func (a *API) writeRaw(w http.ResponseWriter, r *http.Request, env any, items []json.RawMessage) {
	head, err := json.Marshal(env) // the envelope, ending "contents":[]}
	if err != nil {
		a.fail(w, r, err) // not reached: the envelope holds only numbers and booleans
		return
	}
	size := len(head) + len(items)
	for _, item := range items {
		size += len(item)
	}
	b := make([]byte, 0, size+2)
	b = append(b, head[:bytes.LastIndexByte(head, ']')]...)
	for n, item := range items {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
	}
	b = append(b, "]}\n"...)
	h := w.Header()
	cors(h)
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b))) // one write, not chunks
	w.Write(b)
}

// stream writes every item gen emits as one line of JSON.
func (a *API) stream(w http.ResponseWriter, r *http.Request, gen func(emit func(any) error) error) {
	h := w.Header()
	cors(h)
	h.Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	started := false
	err := gen(func(v any) error {
		started = true
		return enc.Encode(v)
	})
	if err != nil && !started {
		a.fail(w, r, err)
		return
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		// The status is sent: all we can do is stop, and say why in the log.
		a.logger.ErrorContext(r.Context(), "oruk: ndjson export stopped", "error", err, "request_id", w.Header().Get("X-Request-Id"))
	}
}

// write sends v as JSON with status.
func (a *API) write(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"internal","message":"the answer could not be written"}`)
		a.logger.Error("oruk: encoding an answer", "error", err)
	}
	h := w.Header()
	cors(h)
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// fail answers with err as JSON: its message and fields for a caller's
// mistake (400, 404), only a reference for ours (500).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apperr.Error
	switch {
	case errors.As(err, &e) && e.Code == apperr.Invalid:
		a.write(w, http.StatusBadRequest, e)
	case errors.As(err, &e) && e.Code == apperr.NotFound:
		a.write(w, http.StatusNotFound, e)
	default:
		ref := w.Header().Get("X-Request-Id")
		a.logger.ErrorContext(r.Context(), "oruk: request failed", "error", err, "request_id", ref)
		a.write(w, http.StatusInternalServerError, &apperr.Error{Code: apperr.Internal,
			Message: "something went wrong on our side; quote reference " + ref + " if you report it"})
	}
}
