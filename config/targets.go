package config

import (
	"slices"
	"strings"
)

var targetKeys = []string{"url", "schema"}

// targets decodes "target:" (one database) or "targets:" (several), exactly
// one of the two, and records the declared names for the database: keys.
func (d *decoder) targets(root field, fs map[string]field) []Target {
	one, hasOne := fs["target"]
	many, hasMany := fs["targets"]
	switch {
	case hasOne && hasMany:
		first, second := one, many
		if second.line < first.line {
			first, second = second, first
		}
		d.fail(second.line, second.name, "cannot be combined with %q (line %d): write target: for one database or targets: for several", first.name+":", first.line)
		d.target(one)
		d.targetList(many)
		d.targetNames = nil // which one is meant is unknown: check no database: key
		return nil
	case hasOne:
		t := d.target(one)
		t.Name = DefaultTargetName
		d.targetNames = map[string]bool{DefaultTargetName: true}
		return []Target{t}
	case hasMany:
		return d.targetList(many)
	}
	d.fail(root.line, "target", "required key is missing (or targets:, for several databases)")
	return nil
}

// targetList decodes the named target databases of "targets:" in file order.
func (d *decoder) targetList(f field) []Target {
	es, ok := d.entries(f)
	if ok && len(es) == 0 {
		d.fail(f.line, f.path, "at least one target database is required")
	}
	var out []Target
	for _, e := range es {
		if d.targetNames == nil {
			d.targetNames = map[string]bool{}
		}
		d.targetNames[e.name] = true
		if !identifier.MatchString(e.name) {
			d.fail(e.line, f.path, "target name %s is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", quote(e.name))
		}
		t := d.target(e)
		t.Name = e.name
		out = append(out, t)
	}
	return out
}

func (d *decoder) target(f field) Target {
	t := Target{Line: f.line}
	fs, ok := d.object(f, targetKeys)
	if !ok {
		return t
	}
	t.URL = d.requiredURL(fs, f, targetSchemes)
	if s, ok := fs["schema"]; ok {
		t.Schema, _ = d.str(s, false)
	}
	return t
}

// database decodes a database: key, the name of a declared target.
func (d *decoder) database(f field) string {
	s, ok := d.str(f, false)
	if ok {
		d.known(f, "target database", s, d.targetNames)
	}
	return s
}

// declared reports a source name that the sources section does not declare.
func (d *decoder) declared(f field, path, src string) bool {
	return d.known(field{path: path, line: f.line}, "source", src, d.sources)
}

// known reports a name missing from the declared set, with the closest
// declared one. A nil set is a section too broken to check against.
func (d *decoder) known(f field, what, name string, set map[string]bool) bool {
	if set == nil || set[name] {
		return true
	}
	all := make([]string, 0, len(set))
	for n := range set {
		all = append(all, n)
	}
	slices.Sort(all)
	d.fail(f.line, f.path, "%s %s is not declared%s (declared: %s)", what, quote(name), didYouMean(name, all), strings.Join(all, ", "))
	return false
}
