package web

import "strconv"

// pager is one page of a long list and the links to the others, for the
// GOV.UK pagination component ("pagination" in components.html).
type pager struct {
	Page, Pages, Total int
	From, To           int    // the first and last item shown, counted from 1; 0 when none
	First, Prev, Next  string // links; "" where there is none
	Links              []pageLink
}

type pageLink struct {
	Number  int
	Href    string
	Current bool
}

// newPager is page of a list of total items, size a page, shown of them on
// this page; href gives the address of page n.
func newPager(page, size, total, shown int, href func(n int) string) pager {
	p := pager{Page: page, Pages: (total + size - 1) / size, Total: total, First: href(1)}
	if shown > 0 {
		p.From = (page-1)*size + 1
		p.To = p.From + shown - 1
	}
	if page > 1 && page <= p.Pages {
		p.Prev = href(page - 1)
	}
	if page < p.Pages {
		p.Next = href(page + 1)
	}
	for n := max(1, page-2); n <= min(p.Pages, page+2); n++ {
		p.Links = append(p.Links, pageLink{n, href(n), n == page})
	}
	return p
}

// pageNumber reads a page number from a query; "" is the first page.
func pageNumber(v string, most int) (int, bool) {
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= most
}
