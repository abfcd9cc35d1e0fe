package verify

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// JUnit XML, as CI servers read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Skipped   *junitMessage  `xml:"skipped"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a testsuite per table, a
// testcase per level, a failure per finding. A level that does not apply
// or could not run is skipped.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "sluice verify", Time: seconds(r.Finished.Sub(r.Started))}
	for _, t := range r.Tables {
		s := t.junitSuite(r.Started)
		out.Tests, out.Failures, out.Skipped = out.Tests+s.Tests, out.Failures+s.Failures, out.Skipped+s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (tr *TableReport) junitSuite(started time.Time) junitSuite {
	s := junitSuite{Name: tr.ID, Time: seconds(tr.Elapsed), Timestamp: started.UTC().Format("2006-01-02T15:04:05")}
	for _, l := range tr.levelNumbers() {
		c := tr.junitCase(l)
		s.Tests++
		switch {
		case len(c.Failures) > 0:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	return s
}

func (tr *TableReport) junitCase(l int) junitCase {
	res := tr.Levels[l]
	c := junitCase{Name: fmt.Sprintf("level %d: %s", l, LevelName(l)), Classname: tr.ID, Time: seconds(res.Elapsed), SystemOut: res.Detail}
	if res.Status == StatusNotApplicable || res.Status == StatusSkipped {
		c.Skipped = &junitMessage{Message: res.Status + ": " + res.Detail}
		c.SystemOut = ""
	}
	for _, f := range tr.Findings {
		if f.Level == l {
			c.Failures = append(c.Failures, junitFailure{Message: f.Check, Type: "verify", Text: f.line()})
		}
	}
	if more := res.Findings - tr.kept(l); more > 0 {
		c.Failures = append(c.Failures, junitFailure{Message: "more findings", Type: "verify",
			Text: plural(more, "more finding") + " not shown"})
	}
	return c
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
