// Package idtui: gostatic's stand-in for Dagger's terminal UI package, which
// needs modules the Go module proxy here does not serve. It keeps only what
// the engine uses.
package idtui

import (
	"fmt"
	"io"

	"github.com/muesli/termenv"

	"github.com/dagger/dagger/dagql/call"
)

const (
	DotFilled   = "●"
	IconSuccess = "✔"
	IconFailure = "✘"
	IconCached  = "$"
)

var SkipLoggedOutTraceMsgEnvs = []string{"DAGGER_NO_NAG", "NOTHANKS", "SHUTUP", "GOAWAY", "STOPIT"}

func NewOutput(w io.Writer, opts ...termenv.OutputOption) *termenv.Output {
	profile := termenv.ANSI
	if termenv.EnvNoColor() {
		profile = termenv.Ascii
	}
	return termenv.NewOutput(w, append([]termenv.OutputOption{termenv.WithProfile(profile), termenv.WithTTY(true)}, opts...)...)
}

// Dump prints a call ID on one line.
type Dump struct {
	Newline string
	Prefix  string
}

func (d *Dump) DumpID(out *termenv.Output, id *call.ID) error {
	if id == nil {
		return nil
	}
	_, err := fmt.Fprint(out, d.Prefix, id.Display(), d.Newline)
	return err
}
