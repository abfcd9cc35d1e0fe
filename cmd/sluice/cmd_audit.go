package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/target"
)

func newAudit(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check or export the tamper-evident audit trail",
		Long: `Every operation Sluice performs appends an entry to sluice.audit in the target:
each run's start and end, each table's mapping and reconciled counts, each
committed chunk with its key range and row counts (and, once verified, the
SHA-256 of its rows on both sides), each rejected row's key and column with
SHA-256s of its raw value and reason. Each entry carries the SHA-256
of the previous one, so an entry altered, inserted or deleted breaks the chain.
With --signing-key (or audit.signing_key in the config), every command that
writes entries signs its head with ed25519; with --audit-anchor (or
audit.anchor), it also appends that head to an append-only file kept away from
the database, which is what proves the trail's end: a chain stored only next to
the data it protects cannot.`,
		Example: `  sluice audit verify --public-key audit.pub --anchor /audit/heads.log
  sluice audit export -o audit-2026-11.jsonl
  sluice audit verify --file audit-2026-11.jsonl --public-key audit.pub --anchor /audit/heads.log`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAuditVerify(g), newAuditExport(g))
	return cmd
}

type auditFlags struct {
	target, database, publicKey, file, output, anchor string
}

func newAuditVerify(g *globals) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the audit chain, check its signatures and anchored heads, and name what was tampered with",
		Long: `Verify recomputes every entry's hash from its content and the previous entry's
hash, and names the first entry that was altered, inserted or deleted. It reads
the target's sluice.audit, cross-checked with sluice.runs (a run listed there
without its run.start or run.end entry is a finding), or an export made by
"sluice audit export" (--file).

--public-key checks every signature; a valid signature proves every entry up to
it, so unsigned heads before the last signed one are reported as unsigned, not
as bad, while work after it that a signing command would have signed is a
finding. --anchor (default: the config's audit.anchor, when the target comes
from the config) checks every head of this trail the anchor holds: a trail
shorter than an anchored head, or one whose entry at an anchored head's seq is
another, is tampering. Without an anchor, entries deleted from the end of the
trail cannot be detected, and the report says so.
Exit code 5 when anything is wrong.`,
		Example: `  sluice audit verify
  sluice audit verify --public-key audit.pub --anchor /audit/heads.log --target postgres://auditor@pg/platform
  sluice audit verify --file audit.jsonl --public-key audit.pub --anchor /audit/heads.log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pub, err := publicKey(f.publicKey)
			if err != nil {
				return err
			}
			report, err := f.verify(cmd, g, pub)
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, report.String())
			if !report.OK() {
				return &sluice.ValidationError{Table: "sluice.audit", Detail: "the audit trail does not verify"}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.target, "target", "", "the target database URL (default: the config's target)")
	cmd.Flags().StringVar(&f.database, "database", "", "with several targets: the one whose trail to read (a name under targets:; default the first)")
	cmd.Flags().StringVar(&f.publicKey, "public-key", "", "an ed25519 public key (PEM, hex or base64) to check the signed heads")
	cmd.Flags().StringVar(&f.file, "file", "", "verify an exported JSON-lines file instead of the target")
	cmd.Flags().StringVar(&f.anchor, "anchor", "", "the anchor file of audit heads (--audit-anchor of the commands that wrote them) to check the trail against")
	return cmd
}

func (f *auditFlags) verify(cmd *cobra.Command, g *globals, pub ed25519.PublicKey) (*audit.Report, error) {
	ctx := cmd.Context()
	o := audit.Options{PublicKey: pub}
	if f.file != "" {
		in, err := os.Open(f.file)
		if err != nil {
			return nil, usageError{fmt.Errorf("open the export: %w", err)}
		}
		defer in.Close()
		if o.Anchor, err = readAnchor(ctx, f.anchor, "--anchor"); err != nil {
			return nil, err
		}
		return audit.VerifyLines(in, o)
	}
	tgt, cfg, err := openAuditTarget(cmd, g, f.target, f.database)
	if err != nil {
		return nil, err
	}
	defer tgt.Close()
	path, what := f.anchor, "--anchor"
	if path == "" && cfg != nil {
		path, what = cfg.Audit.Anchor, fmt.Sprintf("%s:%d: audit.anchor", cfg.File, cfg.Audit.AnchorLine)
	}
	if o.Anchor, err = readAnchor(ctx, path, what); err != nil {
		return nil, err
	}
	return tgt.VerifyAudit(ctx, o)
}

// readAnchor reads the heads of the anchor file at path; nil for "". A file
// that does not exist is a mistake, not an empty anchor.
func readAnchor(ctx context.Context, path, what string) (*audit.Anchor, error) {
	if path == "" {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, usageError{fmt.Errorf("%s %s: %w", what, path, err)}
	}
	heads, err := audit.NewFile(path).Heads(ctx)
	if err != nil {
		return nil, err
	}
	return &audit.Anchor{Name: path, Heads: heads}, nil
}

func newAuditExport(g *globals) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the audit trail as JSON lines, for archiving",
		Long: `Export writes every entry of sluice.audit, one JSON object per line with its hash
and signature, to standard output or --output. The file can be verified later,
away from the database, with "sluice audit verify --file".`,
		Example: `  sluice audit export > audit.jsonl
  sluice audit export -o /archive/audit-$(date +%F).jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tgt, _, err := openAuditTarget(cmd, g, f.target, f.database)
			if err != nil {
				return err
			}
			defer tgt.Close()
			if f.output == "" {
				return tgt.ExportAudit(cmd.Context(), g.stdout)
			}
			out, err := os.Create(f.output)
			if err != nil {
				return usageError{fmt.Errorf("create the export: %w", err)}
			}
			if err := tgt.ExportAudit(cmd.Context(), out); err != nil {
				out.Close()
				return err
			}
			return out.Close()
		},
	}
	cmd.Flags().StringVar(&f.target, "target", "", "the target database URL (default: the config's target)")
	cmd.Flags().StringVar(&f.database, "database", "", "with several targets: the one whose trail to read (a name under targets:; default the first)")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

// openAuditTarget opens --target, else the config's target; it returns the
// config when it read one. Each target database keeps its own trail, next to
// the rows it records.
func openAuditTarget(cmd *cobra.Command, g *globals, url, database string) (*target.Target, *config.Config, error) {
	var cfg *config.Config
	if url == "" {
		var err error
		if cfg, err = config.Load(g.config); err != nil {
			return nil, nil, err
		}
		if url, err = targetURL(cfg, database); err != nil {
			return nil, nil, err
		}
	}
	tgt, err := target.Open(cmd.Context(), url)
	return tgt, cfg, err
}

func publicKey(path string) (ed25519.PublicKey, error) {
	if path == "" {
		return nil, nil
	}
	pub, err := audit.LoadPublicKey(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--public-key %s: %w", path, err)}
	}
	return pub, nil
}
