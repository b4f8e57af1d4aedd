package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{Errorf(Invalid, "bad"), http.StatusUnprocessableEntity},
		{fmt.Errorf("wrapped: %w", Errorf(NotFound, "no such child")), http.StatusNotFound},
		{Errorf(Forbidden, "no"), http.StatusForbidden},
		{Errorf(Conflict, "exists"), http.StatusConflict},
		{errors.New("driver failure"), http.StatusInternalServerError},
	}
	for _, c := range cases {
		if got := HTTPStatus(c.err); got != c.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestFieldsNameEveryProblem(t *testing.T) {
	var fs Fields
	if fs.Err("child") != nil {
		t.Fatal("no fields should be no error")
	}
	fs.Add("NHS number", "the check digit is wrong")
	fs.Add("date of birth", "is in the future")
	err := fs.Err("child")
	want := "child has problems: NHS number: the check digit is wrong; date of birth: is in the future"
	if err == nil || err.Error() != want || CodeOf(err) != Invalid {
		t.Fatalf("got %v (%s), want %q", err, CodeOf(err), want)
	}
}
