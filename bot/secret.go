package bot

// stored is the text of the reply that may be written down: the redacted
// text of a reply carrying a secret, the text itself otherwise.
func (r Reply) stored() string {
	if r.Redacted != "" {
		return r.Redacted
	}
	return r.Text
}
