package verify

import (
	"encoding/json"
	"io"
	"time"
)

// The JSON report: levels as a list in order, durations in seconds.
type jsonReport struct {
	Started  time.Time   `json:"started"`
	Finished time.Time   `json:"finished"`
	OK       bool        `json:"ok"`
	Findings int         `json:"findings"`
	Tables   []jsonTable `json:"tables"`
}

type jsonTable struct {
	ID       string      `json:"id"`
	Target   string      `json:"target"`
	Seconds  float64     `json:"elapsed_seconds"`
	Levels   []jsonLevel `json:"levels"`
	Findings []Finding   `json:"findings"`
	Counts   *Counts     `json:"counts,omitempty"`
	Kept     int64       `json:"kept"`
}

type jsonLevel struct {
	Level int    `json:"level"`
	Name  string `json:"name"`
	LevelResult
	Seconds float64 `json:"elapsed_seconds"`
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Started: r.Started, Finished: r.Finished, OK: r.OK(), Findings: r.Findings, Tables: []jsonTable{}}
	for _, t := range r.Tables {
		jt := jsonTable{ID: t.ID, Target: t.Target, Seconds: t.Elapsed.Seconds(), Findings: t.Findings, Counts: t.Counts, Kept: t.Kept}
		if jt.Findings == nil {
			jt.Findings = []Finding{}
		}
		for _, l := range t.levelNumbers() {
			res := t.Levels[l]
			jt.Levels = append(jt.Levels, jsonLevel{Level: l, Name: LevelName(l), LevelResult: res, Seconds: res.Elapsed.Seconds()})
		}
		out.Tables = append(out.Tables, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
