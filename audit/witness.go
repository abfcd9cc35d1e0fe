package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Witness keeps copies of a trail's heads where whoever may rewrite the
// trail's table cannot rewrite them: a chain stored only next to the data it
// protects cannot prove its own end. Append adds a head and never changes or
// removes one; Heads returns every head kept, of every database, in the order
// they were added. File is the first witness; object storage with a retention
// lock or a transparency log would be others.
type Witness interface {
	Append(ctx context.Context, h Head) error
	Heads(ctx context.Context) ([]Head, error)
}

// File is a Witness that keeps heads in an append-only file, one JSON object
// per line (see the package documentation). It only ever opens the file with
// O_APPEND, writes each line with one write and syncs it before Append
// returns. The file is as safe as where it lives: keep it where the target's
// administrators cannot write, or make it append-only (chattr +a, a WORM
// bucket mounted as a file system).
type File struct {
	Path string
}

// NewFile returns the witness kept in the file at path, created by the
// first Append.
func NewFile(path string) *File { return &File{Path: path} }

func (f *File) String() string { return f.Path }

// Append writes h as one line at the end of the file and syncs it.
func (f *File) Append(_ context.Context, h Head) error {
	line, err := headLine(h)
	if err != nil {
		return fmt.Errorf("anchor the audit head in %s: %w", f.Path, err)
	}
	if err := f.appendLine(line); err != nil {
		return fmt.Errorf("anchor the audit head in %s: %w", f.Path, err)
	}
	return nil
}

func (f *File) appendLine(line []byte) error {
	torn, err := endsTorn(f.Path)
	if err != nil {
		return err
	}
	if torn {
		// A line cut short by a crash stays as it was, on its own line: the
		// file is never rewritten, and Heads reports it.
		line = append([]byte("\n"), line...)
	}
	out, created, err := openAppend(f.Path)
	if err != nil {
		return err
	}
	if _, err := out.Write(line); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if created {
		return syncDir(filepath.Dir(f.Path))
	}
	return nil
}

// openAppend opens path for appending only, creating it if it does not exist
// (created says so).
func openAppend(path string) (out *os.File, created bool, err error) {
	out, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, err
	}
	out, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	return out, false, err
}

// endsTorn reports whether the file exists and its last byte is not a newline.
func endsTorn(path string) (bool, error) {
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer in.Close()
	size, err := in.Seek(0, io.SeekEnd)
	if err != nil || size == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := in.ReadAt(last, size-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// syncDir makes a new file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Heads reads every head in the file; a file that does not exist holds none.
// A line that is not a head is an error, a *TamperError: whoever can write
// the file should not be able to hide a head by spoiling its line.
func (f *File) Heads(_ context.Context) ([]Head, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the audit anchor %s: %w", f.Path, err)
	}
	heads, err := parseHeadLines(data)
	if err != nil {
		return nil, fmt.Errorf("read the audit anchor %s: %w", f.Path, err)
	}
	return heads, nil
}

// Writable opens the file for appending, creating it empty if it does not
// exist, and closes it: a command checks this before its work rather than
// find at its end that it cannot anchor its head.
func (f *File) Writable() error {
	out, created, err := openAppend(f.Path)
	if err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if created {
		return syncDir(filepath.Dir(f.Path))
	}
	return nil
}
