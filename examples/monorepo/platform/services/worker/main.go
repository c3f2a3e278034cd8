// worker processes one batch and exits; it shares buildinfo with api.
package main

import (
	"flag"
	"fmt"
	"strings"

	"example.com/monorepo/platform/pkg/buildinfo"
)

func main() {
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println(buildinfo.Line("worker"))
		return
	}
	jobs := flag.Args()
	fmt.Printf("processed %d jobs: %s\n", len(jobs), strings.Join(jobs, ","))
}
