// Package buildinfo is shared by every service in the monorepo.
package buildinfo

// Version is set at link time with -X example.com/monorepo/platform/pkg/buildinfo.Version=...
var Version = "dev"

// Line is what each service prints for --version.
func Line(name string) string { return name + " " + Version }
