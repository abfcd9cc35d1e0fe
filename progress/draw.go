package progress

import (
	"fmt"
	"strings"
	"time"
)

const barWidth = 24

// redraw replaces the live area: one line per active table and the total.
func (d *Display) redraw() {
	d.clear()
	var lines []string
	for _, id := range d.active {
		lines = append(lines, d.tableLine(d.tables[id]))
	}
	if len(d.active) > 0 {
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

func (d *Display) tableLine(t *table) string {
	elapsed := time.Since(t.started)
	rate := perSecond(t.done, elapsed)
	total := max(t.estimate, t.before+t.done)
	return fmt.Sprintf("  %-28s %s %10s/%-10s %9s rows/s  ETA %s",
		clip(t.id, 28), bar(t.before+t.done, total), count(t.before+t.done), count(total), count(rate), eta(total-t.before-t.done, rate))
}

// totalLine sums every table seen so far.
func (d *Display) totalLine() string {
	var done, total, rejected, fresh int64
	for _, t := range d.tables {
		done += t.before + t.done
		fresh += t.done
		total += max(t.estimate, t.before+t.done)
		rejected += t.rejected
	}
	rate := perSecond(fresh, time.Since(d.start))
	return fmt.Sprintf("  %-28s %s %10s/%-10s %9s rows/s  ETA %s  rejected %s",
		"total", bar(done, total), count(done), count(total), count(rate), eta(total-done, rate), count(rejected))
}

func bar(done, total int64) string {
	frac := 0.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
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
