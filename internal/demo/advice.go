package demo

// isHealthLead reports whether a health team job is its lead's (healthServices'
// lead titles), who assigns the team's requests for advice (issue 5).
func isHealthLead(job string) bool {
	for _, s := range healthServices {
		if job == s.lead {
			return true
		}
	}
	return false
}
