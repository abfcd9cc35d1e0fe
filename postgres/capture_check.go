package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

var _ sluice.ChangeSource = (*Source)(nil)

// CheckCapture reports what capture of spec lacks: wal_level=logical, a
// free replication slot and WAL sender, the REPLICATION attribute (or
// superuser), the right to create the publication, ownership of the
// tables, and a replica identity for each table (a key, or FULL with the
// user's consent).
func (s *Source) CheckCapture(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	if err := checkSlotName(spec); err != nil {
		return []sluice.CaptureProblem{{Check: "slot name", Found: err.Error(), Fix: "name the slot with lower-case letters, digits and _"}}, nil
	}
	var problems []sluice.CaptureProblem
	for _, check := range []func(context.Context, sluice.CaptureSpec) ([]sluice.CaptureProblem, error){
		s.checkServer, s.checkRole, s.checkTables,
	} {
		found, err := check(ctx, spec)
		if err != nil {
			return nil, classify(fmt.Errorf("check capture on %s: %w", s.name, err))
		}
		problems = append(problems, found...)
	}
	return problems, nil
}

func (s *Source) checkServer(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	var level string
	var slots, usedSlots, senders, usedSenders int
	var exists bool
	q := `SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int,
		(SELECT count(*) FROM pg_replication_slots), current_setting('max_wal_senders')::int,
		(SELECT count(*) FROM pg_stat_replication),
		EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`
	if err := s.pool.QueryRow(ctx, q, captureName(spec)).Scan(&level, &slots, &usedSlots, &senders, &usedSenders, &exists); err != nil {
		return nil, err
	}
	var out []sluice.CaptureProblem
	if level != "logical" {
		out = append(out, sluice.CaptureProblem{Check: "wal_level", Found: level,
			Fix: "set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server"})
	}
	if !exists && usedSlots >= slots {
		out = append(out, sluice.CaptureProblem{Check: "max_replication_slots", Found: fmt.Sprintf("%d of %d in use", usedSlots, slots),
			Fix: fmt.Sprintf("raise max_replication_slots to at least %d and restart the server, or drop an unused slot", usedSlots+2)})
	}
	if usedSenders >= senders {
		out = append(out, sluice.CaptureProblem{Check: "max_wal_senders", Found: fmt.Sprintf("%d of %d in use", usedSenders, senders),
			Fix: fmt.Sprintf("raise max_wal_senders to at least %d and restart the server", usedSenders+2)})
	}
	return out, nil
}

func (s *Source) checkRole(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	var user string
	var super, repl, create, pubExists bool
	q := `SELECT current_user, rolsuper, rolreplication, has_database_privilege(current_database(), 'CREATE'),
		EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)
		FROM pg_roles WHERE rolname = current_user`
	if err := s.pool.QueryRow(ctx, q, captureName(spec)).Scan(&user, &super, &repl, &create, &pubExists); err != nil {
		return nil, err
	}
	var out []sluice.CaptureProblem
	if !super && !repl {
		out = append(out, sluice.CaptureProblem{Check: "privilege REPLICATION", Found: "role " + user + " has neither REPLICATION nor SUPERUSER",
			Fix: "ALTER ROLE " + QuoteIdent(user) + " REPLICATION"})
	}
	if !super && !create && !pubExists {
		out = append(out, sluice.CaptureProblem{Check: "privilege CREATE on the database", Found: "role " + user + " cannot create the publication",
			Fix: "GRANT CREATE ON DATABASE <database> TO " + QuoteIdent(user)})
	}
	return out, nil
}

// tableIdentity is what decides whether a table can be published.
type tableIdentity struct {
	name     string
	found    bool
	owned    bool
	identity string // pg_class.relreplident: d default, n nothing, f full, i index
	hasKey   bool   // a primary key (what DEFAULT identity uses)
}

// keyless reports a table whose UPDATEs and DELETEs a publication would
// make fail on the source.
func (t tableIdentity) keyless() bool {
	return t.identity == "n" || (t.identity == "d" && !t.hasKey)
}

func (s *Source) tableIdentities(ctx context.Context, tables []string) ([]tableIdentity, error) {
	q := `SELECT t.name, c.oid IS NOT NULL, coalesce(pg_has_role(c.relowner, 'USAGE'), false),
		coalesce(c.relreplident::text, ''),
		EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
		FROM unnest($2::text[]) WITH ORDINALITY t(name, ord)
		LEFT JOIN pg_namespace n ON n.nspname = $1
		LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p')
		ORDER BY t.ord`
	rows, err := s.pool.Query(ctx, q, s.schema, tables)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (tableIdentity, error) {
		var t tableIdentity
		err := r.Scan(&t.name, &t.found, &t.owned, &t.identity, &t.hasKey)
		return t, err
	})
}

func (s *Source) checkTables(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	var super bool
	if err := s.pool.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		return nil, err
	}
	ids, err := s.tableIdentities(ctx, spec.Tables)
	if err != nil {
		return nil, err
	}
	var out []sluice.CaptureProblem
	for _, t := range ids {
		out = append(out, tableProblems(s.schema, t, super, spec.ReplicaIdentityFull)...)
	}
	return out, nil
}

func tableProblems(schema string, t tableIdentity, super, consent bool) []sluice.CaptureProblem {
	check := "table " + t.name
	qualified := QualifiedName(schema, t.name)
	if !t.found {
		return []sluice.CaptureProblem{{Check: check, Found: "no such table in schema " + schema, Fix: "capture only tables that exist"}}
	}
	var out []sluice.CaptureProblem
	if !t.owned && !super {
		out = append(out, sluice.CaptureProblem{Check: check + ": owner", Found: "the role does not own it, and only its owner can publish it",
			Fix: "run capture as the table's owner or a superuser, or ALTER TABLE " + qualified + " OWNER TO <role>"})
	}
	if t.keyless() && !consent {
		out = append(out, sluice.CaptureProblem{Check: check + ": replica identity",
			Found: "no primary key or replica identity: once published, every UPDATE and DELETE on it fails on the source",
			Fix:   "add a primary key, or consent to ALTER TABLE " + qualified + " REPLICA IDENTITY FULL (replica_identity_full: true), or sync it by merge reruns instead"})
	}
	return out
}

// keylessTables names the tables of ids that need REPLICA IDENTITY FULL.
func keylessTables(ids []tableIdentity) []string {
	var out []string
	for _, t := range ids {
		if t.found && t.keyless() {
			out = append(out, t.name)
		}
	}
	return out
}

// problemsError makes one error of the blocking problems, nil when none.
func problemsError(what string, problems []sluice.CaptureProblem) error {
	var lines []string
	for _, p := range problems {
		if !p.Warning {
			lines = append(lines, fmt.Sprintf("%s: %s; fix: %s", p.Check, p.Found, p.Fix))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(lines, "; "))
}
