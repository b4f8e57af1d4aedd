package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/db"
	"joinedup/internal/oidc"
)

// providerFile is one entry of the --oidc-providers file: an organisation's
// identity provider. The client secret is never in the file: it names the
// environment variable that holds it.
type providerFile struct {
	ID              string   `json:"id"`
	Label           string   `json:"label"`
	Organisation    string   `json:"organisation"` // the organisation's id, ODS code, URN or UKPRN
	Issuer          string   `json:"issuer"`
	ClientID        string   `json:"client_id"`
	ClientSecretEnv string   `json:"client_secret_env"`
	RedirectURL     string   `json:"redirect_url"`
	Scopes          []string `json:"scopes"`
}

// loadProviders reads the identity providers from path and discovers each.
// "" means none. Every problem names the file and the provider.
func loadProviders(ctx context.Context, env Env, d *db.DB, path string) (*oidc.Registry, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--oidc-providers: cannot read %s: %v", path, reason(err))}
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var entries []providerFile
	if err := dec.Decode(&entries); err != nil {
		return nil, usageError{fmt.Sprintf("--oidc-providers: %s is not a JSON list of providers: %v", path, err)}
	}
	var providers []oidc.Provider
	for i, e := range entries {
		where := fmt.Sprintf("--oidc-providers: %s, provider %d (%q)", path, i+1, e.ID)
		if e.ClientSecretEnv == "" {
			return nil, usageError{where + ": client_secret_env must name the environment variable holding the client secret"}
		}
		secret := env.Getenv(e.ClientSecretEnv)
		if secret == "" {
			return nil, usageError{fmt.Sprintf("%s: the environment variable %s is empty", where, e.ClientSecretEnv)}
		}
		var org string
		err := d.QueryRowContext(ctx, `SELECT id FROM organisations WHERE id = $1 OR ods_code = $1 OR urn = $1 OR ukprn = $1`,
			e.Organisation).Scan(&org)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, usageError{fmt.Sprintf("%s: no organisation has the id or code %q", where, e.Organisation)}
		}
		if err != nil {
			return nil, err
		}
		providers = append(providers, oidc.Provider{ID: e.ID, Label: e.Label, OrganisationID: org, Issuer: e.Issuer,
			ClientID: e.ClientID, ClientSecret: secret, RedirectURL: e.RedirectURL, Scopes: e.Scopes})
	}
	r, err := oidc.NewRegistry(ctx, d, providers...)
	if err != nil {
		return nil, fmt.Errorf("--oidc-providers: %w", err)
	}
	return r, nil
}

// parsePrefixes reads --trusted-proxies: addresses or CIDR ranges, comma-separated.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, usageError{fmt.Sprintf("--trusted-proxies: %q is neither an IP address nor a CIDR range like 10.0.0.0/8", item)}
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// sweepSignIns deletes expired pending sign-ins, emailed links and rate-limit
// counts now and then, in every instance (the deletes are idempotent).
func sweepSignIns(ctx context.Context, d *db.DB, r *oidc.Registry, logger *slog.Logger) {
	if r != nil {
		go r.Sweep(ctx, 10*time.Minute, logger)
	}
	go func() {
		limiter := &account.Limiter{DB: d}
		for {
			if err := errors.Join(account.PruneLinks(ctx, d), limiter.Prune(ctx)); err != nil && ctx.Err() == nil {
				logger.Warn("pruning old sign-in records failed", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Hour):
			}
		}
	}()
}
