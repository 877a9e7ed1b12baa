package asession

// outcomeRow is one row of the client contract's outcome table (schema/client-contract.json, generated into
// contract_gen.go): conditions on how a session ended, and the outcome when they all hold.
type outcomeRow struct {
	ID      string
	Result  string // present or absent: whether the engine printed RESULT
	Status  string // RESULT's status; "" matches any
	Exit    string // the engine's exit status: 0, nonzero or any
	Events  string // the spec's events mode: all, ascp or any
	Outcome string // result, none, transfer_error or engine_error
}

// outcomeOf walks the table: the first matching row decides. A RESULT whose status no row names is an engine
// error (the engine broke its contract).
func outcomeOf(result *ResultEvent, exitCode int, ascpOnly bool) string {
	mode := "all"
	if ascpOnly {
		mode = "ascp"
	}
	for _, r := range outcomeRows {
		switch {
		case (r.Result == "present") != (result != nil),
			r.Status != "" && (result == nil || result.Status != r.Status),
			r.Exit == "0" && exitCode != 0,
			r.Exit == "nonzero" && exitCode == 0,
			r.Events != "any" && r.Events != mode:
			continue
		}
		return r.Outcome
	}
	return "engine_error"
}
