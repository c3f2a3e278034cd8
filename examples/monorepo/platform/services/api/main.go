// api serves /healthz and hands out request IDs (a third-party dependency,
// github.com/google/uuid, fetched through the Go module proxy).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"

	"example.com/monorepo/platform/pkg/buildinfo"
	"github.com/google/uuid"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println(buildinfo.Line("api"))
		return
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok %s\n", uuid.NewString())
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
