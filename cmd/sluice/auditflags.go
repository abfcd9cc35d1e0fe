package main

import (
	"crypto/ed25519"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/config"
)

// sealFlags are the flags of every command that writes audit entries: the
// key that signs its head and the anchor it checks the trail against and
// appends that head to. Each overrides its key in the config's audit: section.
type sealFlags struct {
	signingKey string
	anchor     string
}

func (f *sealFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.signingKey, "signing-key", "", "an ed25519 private key (PEM, hex or base64) that signs the head of the command's audit entries (default: the config's audit.signing_key)")
	cmd.Flags().StringVar(&f.anchor, "audit-anchor", "", "an append-only file that keeps each audit head; the trail must still hold its last one before anything is recorded (default: the config's audit.anchor)")
}

// resolve loads the signing key and opens the anchor, the flags' or else the
// config's (cfg may be nil). A missing key or an anchor that cannot be
// written is an error now, before any work, not after it.
func (f *sealFlags) resolve(cfg *config.Config) (ed25519.PrivateKey, audit.Witness, error) {
	var a config.Audit
	if cfg != nil {
		a = cfg.Audit
	}
	key, err := f.key(cfg, a)
	if err != nil {
		return nil, nil, err
	}
	w, err := f.witness(cfg, a)
	if err != nil {
		return nil, nil, err
	}
	return key, w, nil
}

func (f *sealFlags) key(cfg *config.Config, a config.Audit) (ed25519.PrivateKey, error) {
	switch {
	case f.signingKey != "":
		key, err := audit.LoadPrivateKey(f.signingKey)
		if err != nil {
			return nil, usageError{fmt.Errorf("--signing-key %s: %w", f.signingKey, err)}
		}
		return key, nil
	case a.SigningKey != "":
		key, err := audit.LoadPrivateKey(a.SigningKey)
		if err != nil {
			return nil, config.Errors{{File: cfg.File, Line: a.SigningKeyLine, Key: "audit.signing_key", Msg: err.Error(), Err: err}}
		}
		return key, nil
	}
	return nil, nil
}

func (f *sealFlags) witness(cfg *config.Config, a config.Audit) (audit.Witness, error) {
	switch {
	case f.anchor != "":
		w := audit.NewFile(f.anchor)
		if err := w.Writable(); err != nil {
			return nil, usageError{fmt.Errorf("--audit-anchor %s: %w", f.anchor, err)}
		}
		return w, nil
	case a.Anchor != "":
		w := audit.NewFile(a.Anchor)
		if err := w.Writable(); err != nil {
			return nil, config.Errors{{File: cfg.File, Line: a.AnchorLine, Key: "audit.anchor", Msg: err.Error(), Err: err}}
		}
		return w, nil
	}
	return nil, nil
}
