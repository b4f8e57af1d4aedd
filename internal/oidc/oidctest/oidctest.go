// Package oidctest is a small OpenID Provider for tests, served on loopback
// by httptest: discovery, a JWKS with an RSA key made at start, an
// authorization endpoint that signs the configured user in at once and
// redirects back with a code, and a token endpoint that checks the client,
// the redirect URI and the PKCE verifier before returning an ID token signed
// with RS256. Knobs in Behaviour make it misbehave. It makes no call to
// anything outside the test.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// User is who the provider signs in.
type User struct {
	Subject, Email, Name string
	EmailVerified        *bool // sent as email_verified when set
}

// Behaviour says what the provider does; the zero value plus a User is an honest provider.
type Behaviour struct {
	User User

	WrongNonce     bool // the ID token carries a nonce other than the one asked for
	WrongAudience  bool // the ID token is issued to another client
	ExpiredIDToken bool // the ID token expired a minute ago
	UnknownKey     bool // the ID token is signed by a key that is not in the JWKS (same kid)
	WrongIssuer    bool // the ID token names another issuer
	IgnorePKCE     bool // the token endpoint does not check the code verifier
	Deny           bool // the authorization endpoint redirects back with error=access_denied
}

// Server is a running test provider.
type Server struct {
	// Issuer is the provider's issuer URL (http://127.0.0.1:port).
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // the only redirect URI the client has registered

	srv   *httptest.Server
	key   *rsa.PrivateKey // published in the JWKS
	other *rsa.PrivateKey // never published
	kid   string
	now   func() time.Time

	mu     sync.Mutex
	b      Behaviour
	grants map[string]*grant
	log    []string
}

type grant struct {
	clientID, redirectURI, challenge, nonce string
	user                                    User
	issued                                  time.Time
	used                                    bool
}

// New starts a provider on 127.0.0.1 for one client, closed when t ends.
func New(t testing.TB, clientID, clientSecret, redirectURL string) *Server {
	t.Helper()
	s := &Server{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		key: newKey(t), other: newKey(t), kid: "test-key-1", now: time.Now,
		grants: map[string]*grant{},
		b:      Behaviour{User: User{Subject: "user-1", Email: "user@example.org", Name: "Test User"}},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /jwks", s.jwks)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	s.srv = httptest.NewServer(mux)
	s.Issuer = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

func newKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Client is an HTTP client for the provider: it follows no redirects, so a
// test reads the Location the authorization endpoint answers with.
func (s *Server) Client() *http.Client {
	c := s.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// Close stops the provider, as if it were down.
func (s *Server) Close() { s.srv.Close() }

// Set changes how the provider behaves from the next request on.
func (s *Server) Set(b Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = b
}

// Behaviour returns how the provider behaves now.
func (s *Server) Behaviour() Behaviour {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b
}

// Refusals returns why the provider refused requests, oldest first.
func (s *Server) Refusals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func (s *Server) refuse(w http.ResponseWriter, status int, code, desc string) {
	s.mu.Lock()
	s.log = append(s.log, code+": "+desc)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{
		"issuer":                                         s.Issuer,
		"authorization_endpoint":                         s.Issuer + "/authorize",
		"token_endpoint":                                 s.Issuer + "/token",
		"jwks_uri":                                       s.Issuer + "/jwks",
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                               []string{"openid", "email", "profile"},
		"authorization_response_iss_parameter_supported": true,
	})
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &s.key.PublicKey, KeyID: s.kid, Algorithm: string(jose.RS256), Use: "sig",
	}}})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// The client and its redirect URI are checked before anything is sent back to it.
	if q.Get("client_id") != s.ClientID {
		s.refuse(w, http.StatusBadRequest, "unauthorized_client", "unknown client_id")
		return
	}
	if q.Get("redirect_uri") != s.RedirectURL {
		s.refuse(w, http.StatusBadRequest, "invalid_request", "redirect_uri is not registered")
		return
	}
	back, _ := url.Parse(s.RedirectURL)
	reply := url.Values{"state": {q.Get("state")}, "iss": {s.Issuer}}
	redirect := func() {
		back.RawQuery = reply.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
	b := s.Behaviour()
	var problem string
	switch {
	case q.Get("response_type") != "code":
		problem = "response_type must be code"
	case !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		problem = "scope must include openid"
	case q.Get("code_challenge") == "" && !b.IgnorePKCE:
		problem = "code_challenge is required"
	case q.Get("code_challenge_method") != "S256" && !b.IgnorePKCE:
		problem = "code_challenge_method must be S256"
	}
	if problem != "" {
		reply.Set("error", "invalid_request")
		reply.Set("error_description", problem)
		redirect()
		return
	}
	if b.Deny {
		reply.Set("error", "access_denied")
		reply.Set("error_description", "the user declined")
		redirect()
		return
	}
	code := secret()
	s.mu.Lock()
	s.grants[code] = &grant{
		clientID: s.ClientID, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), user: b.User, issued: s.now(),
	}
	s.mu.Unlock()
	reply.Set("code", code)
	redirect()
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.refuse(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	id, secretGiven, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: the client id and secret are form-encoded before base64.
		id, _ = url.QueryUnescape(id)
		secretGiven, _ = url.QueryUnescape(secretGiven)
	} else {
		id, secretGiven = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || subtle.ConstantTimeCompare([]byte(secretGiven), []byte(s.ClientSecret)) != 1 {
		s.refuse(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		s.refuse(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code")
		return
	}
	b := s.Behaviour()
	s.mu.Lock()
	g := s.grants[r.PostForm.Get("code")]
	var problem string
	switch {
	case g == nil:
		problem = "unknown code"
	case g.used:
		problem = "code already used"
	case s.now().Sub(g.issued) > time.Minute:
		problem = "code expired"
	case g.clientID != id:
		problem = "code issued to another client"
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		problem = "redirect_uri differs from the authorization request"
	case !b.IgnorePKCE && !pkceMatches(r.PostForm.Get("code_verifier"), g.challenge):
		problem = "code_verifier does not match the code_challenge"
	}
	if g != nil {
		g.used = true // a code is good for one attempt, right or wrong
	}
	s.mu.Unlock()
	if problem != "" {
		s.refuse(w, http.StatusBadRequest, "invalid_grant", problem)
		return
	}

	now := s.now()
	claims := map[string]any{
		"iss":   s.Issuer,
		"sub":   g.user.Subject,
		"aud":   s.ClientID,
		"iat":   now.Unix(),
		"exp":   now.Add(5 * time.Minute).Unix(),
		"nonce": g.nonce,
	}
	if g.user.Email != "" {
		claims["email"] = g.user.Email
	}
	if g.user.Name != "" {
		claims["name"] = g.user.Name
	}
	if g.user.EmailVerified != nil {
		claims["email_verified"] = *g.user.EmailVerified
	}
	if b.WrongNonce {
		claims["nonce"] = secret()
	}
	if b.WrongAudience {
		claims["aud"] = "some-other-client"
	}
	if b.ExpiredIDToken {
		claims["iat"] = now.Add(-10 * time.Minute).Unix()
		claims["exp"] = now.Add(-time.Minute).Unix()
	}
	if b.WrongIssuer {
		claims["iss"] = "https://impostor.example"
	}
	key := s.key
	if b.UnknownKey {
		key = s.other
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{
		"access_token": secret(),
		"token_type":   "Bearer",
		"expires_in":   300,
		"id_token":     s.sign(key, claims),
	})
}

func (s *Server) sign(key *rsa.PrivateKey, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.kid))
	if err != nil {
		panic(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return out
}

func pkceMatches(verifier, challenge string) bool {
	if verifier == "" || challenge == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func secret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
