package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"

	"go.yaml.in/yaml/v3"
)

// Load reads and parses the config file at path. Every problem, a missing
// file included, comes back as Errors naming the file.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: "read config: " + cause(err), Err: err}}
	}
	defer f.Close()
	return Parse(f, path)
}

// cause drops the path from an *fs.PathError: the message already names the file.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse reads a config from r; file names it in messages. The result has its
// defaults applied. On any problem it returns nil and Errors, sorted by line.
func Parse(r io.Reader, file string) (*Config, error) {
	cfg, err := ParsePartial(r, file)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadPartial is Load that, when the file is YAML but has problems, returns
// what did decode with the Errors: the sources and table rules without
// problems can then be checked against the databases in the same pass
// (unknown tables and columns reported with the syntax errors). A file
// that cannot be read or is not YAML returns no Config.
func LoadPartial(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: "read config: " + cause(err), Err: err}}
	}
	defer f.Close()
	return ParsePartial(f, path)
}

// ParsePartial is Parse that also returns the decoded part of a config with
// problems (see LoadPartial).
func ParsePartial(r io.Reader, file string) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, Errors{{File: file, Msg: "read config: " + cause(err), Err: err}}
	}
	sum := sha256.Sum256(data)
	root, err := document(data)
	if err != nil {
		return nil, Errors{syntaxError(file, data, err)}
	}
	d := &decoder{file: file, env: os.LookupEnv}
	cfg := d.config(field{line: root.Line, node: root})
	cfg.File = file
	cfg.Hash = hex.EncodeToString(sum[:])
	applyDefaults(cfg)
	return cfg, d.errs.sorted().Err()
}

// document decodes the single YAML document in data. An empty file yields an
// empty node, so that the missing required keys are reported.
func document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{}, nil
		}
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, &extraDocument{line: next.Line}
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{}, nil
	}
	return doc.Content[0], nil
}

// extraDocument reports a second YAML document ("---") in the file.
type extraDocument struct{ line int }

func (e *extraDocument) Error() string {
	return "a config file holds one YAML document, found another"
}
