package progress

import (
	"fmt"
	"strings"
	"time"
)

const barWidth = 24

// redraw replaces the live area: one line per active table, the run's
// step when there is one, and the total.
func (d *Display) redraw() {
	d.clear()
	var lines []string
	for _, id := range d.active {
		lines = append(lines, d.tableLine(d.tables[id]))
	}
	if d.runStep != "" {
		lines = append(lines, d.runLine())
	}
	if len(lines) > 0 {
		lines = append(lines, d.totalLine())
	}
	for _, l := range lines {
		fmt.Fprintf(d.w, "\x1b[2K%s\n", l)
	}
	d.drawn = len(lines)
}

// clear erases the live area, leaving the cursor where it began.
func (d *Display) clear() {
	if d.drawn > 0 {
		fmt.Fprintf(d.w, "\x1b[%dA\x1b[J", d.drawn)
		d.drawn = 0
	}
}

// tableLine is a table's bar while it copies, then the step it is in.
func (d *Display) tableLine(t *table) string {
	rows := t.before + t.done
	if t.step != "" {
		return fmt.Sprintf("  %-28s %-30s %10s rows read", clip(t.id, 28), t.step+"...", count(rows))
	}
	elapsed := time.Since(t.started)
	rate := perSecond(t.done, elapsed)
	total := max(t.estimate, rows)
	return fmt.Sprintf("  %-28s copying %s %10s/%-10s %9s rows/s  ETA %s",
		clip(t.id, 28), bar(rows, total), count(rows), count(total), count(rate), eta(total-rows, rate))
}

func (d *Display) runLine() string {
	if d.runTotal == 0 {
		return fmt.Sprintf("  %s...", d.runStep)
	}
	return fmt.Sprintf("  %-28s %s %d/%d", d.runStep, bar(int64(d.runDone), int64(d.runTotal)), d.runDone, d.runTotal)
}

// totalLine sums every table of the run: with Planned, its denominator
// is every table's estimate from the start, each replaced by the rows
// actually read once the table is finished, and the fraction shown never
// goes back (an estimate that was low makes it wait, not retreat).
func (d *Display) totalLine() string {
	done, total, rejected, fresh := d.sums()
	frac := 0.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	d.shown = max(d.shown, frac)
	rate := perSecond(fresh, time.Since(d.start))
	return fmt.Sprintf("  %-28s         %s %10s/%-10s %9s rows/s  ETA %s  rejected %s",
		"total", barFrac(d.shown), count(done), count(total), count(rate), eta(total-done, rate), count(rejected))
}

func (d *Display) sums() (done, total, rejected, fresh int64) {
	for _, t := range d.tables {
		rows := t.before + t.done
		done += rows
		fresh += t.done
		rejected += t.rejected
		if t.finished {
			total += rows
		} else {
			total += max(t.estimate, rows)
		}
	}
	return done, total, rejected, fresh
}

func bar(done, total int64) string {
	frac := 0.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	return barFrac(frac)
}

func barFrac(frac float64) string {
	full := int(frac * barWidth)
	return fmt.Sprintf("[%s%s] %3d%%", strings.Repeat("#", full), strings.Repeat(".", barWidth-full), int(frac*100))
}

func perSecond(n int64, d time.Duration) int64 {
	if d < time.Millisecond {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

func eta(left, rate int64) string {
	if rate <= 0 || left <= 0 {
		return "-"
	}
	return time.Duration(float64(left) / float64(rate) * float64(time.Second)).Round(time.Second).String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "~"
}

// count writes n with thousands separators: 1,234,567.
func count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
