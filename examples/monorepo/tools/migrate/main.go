// migrate lives in a second module of the go.work and imports the first.
package main

import (
	"flag"
	"fmt"

	"example.com/monorepo/platform/pkg/buildinfo"
)

func main() {
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println(buildinfo.Line("migrate"))
		return
	}
	fmt.Println("migrations: up to date")
}
