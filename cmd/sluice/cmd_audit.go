package main

import (
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
of the previous one, so an entry altered, inserted or deleted breaks the chain;
with "migrate --signing-key", the head of each run is signed with ed25519.`,
		Example: `  sluice audit verify --public-key audit.pub
  sluice audit export -o audit-2026-11.jsonl
  sluice audit verify --file audit-2026-11.jsonl --public-key audit.pub`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAuditVerify(g), newAuditExport(g))
	return cmd
}

type auditFlags struct {
	target, database, publicKey, file, output string
}

func newAuditVerify(g *globals) *cobra.Command {
	f := &auditFlags{}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the audit chain and report the first entry altered, inserted or deleted",
		Long: `Verify recomputes every entry's hash from its content and the previous entry's
hash, and names the first entry that was altered, inserted or deleted. With
--public-key it also checks the signed head of every finished run. It reads the
target's sluice.audit, or an export made by "sluice audit export" (--file).
Exit code 5 when anything is wrong.`,
		Example: `  sluice audit verify
  sluice audit verify --public-key audit.pub --target postgres://auditor@pg/platform
  sluice audit verify --file audit.jsonl --public-key audit.pub`,
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
	return cmd
}

func (f *auditFlags) verify(cmd *cobra.Command, g *globals, pub ed25519.PublicKey) (*audit.Report, error) {
	if f.file != "" {
		in, err := os.Open(f.file)
		if err != nil {
			return nil, usageError{fmt.Errorf("open the export: %w", err)}
		}
		defer in.Close()
		return audit.VerifyLines(in, pub)
	}
	tgt, err := openAuditTarget(cmd, g, f.target, f.database)
	if err != nil {
		return nil, err
	}
	defer tgt.Close()
	return tgt.VerifyAudit(cmd.Context(), pub)
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
			tgt, err := openAuditTarget(cmd, g, f.target, f.database)
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

// openAuditTarget opens --target, else the config's target.
// Each target database keeps its own trail, next to the rows it records.
func openAuditTarget(cmd *cobra.Command, g *globals, url, database string) (*target.Target, error) {
	if url == "" {
		cfg, err := config.Load(g.config)
		if err != nil {
			return nil, err
		}
		if url, err = targetURL(cfg, database); err != nil {
			return nil, err
		}
	}
	return target.Open(cmd.Context(), url)
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
