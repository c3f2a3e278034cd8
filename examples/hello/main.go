// hello is a small net/http service used by gostatic's quick start and tests.
// /healthz exercises the three things a static image most often lacks: the CA
// bundle (crypto/x509), zoneinfo (time.LoadLocation) and a passwd entry.
package main

import (
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/user"
	"time"
)

var version = "dev"

type health struct {
	Status    string `json:"status"`
	Version   string `json:"version"`
	Zone      string `json:"zone"`
	ZoneTime  string `json:"zoneTime"`
	RootCAs   bool   `json:"rootCAs"`
	User      string `json:"user"`
	TZError   string `json:"tzError,omitempty"`
	CertError string `json:"certError,omitempty"`
}

func check(zone string) (health, bool) {
	h := health{Status: "ok", Version: version, Zone: zone}
	ok := true
	if loc, err := time.LoadLocation(zone); err != nil {
		h.TZError, ok = err.Error(), false
	} else {
		h.ZoneTime = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).In(loc).Format(time.RFC3339)
	}
	// A system pool with no certificates loaded means TLS clients will fail
	// with "x509: certificate signed by unknown authority".
	if pool, err := x509.SystemCertPool(); err != nil {
		h.CertError, ok = err.Error(), false
	} else if !pool.Equal(x509.NewCertPool()) {
		h.RootCAs = true
	} else {
		h.CertError, ok = "no system root certificates", false
	}
	if u, err := user.Current(); err == nil {
		h.User = u.Username
	} else {
		h.User = fmt.Sprintf("uid %d (no passwd entry)", os.Getuid())
	}
	if !ok {
		h.Status = "degraded"
	}
	return h, ok
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	zone := flag.String("zone", "Europe/Berlin", "time zone /healthz loads")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("hello", version)
		return
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		h, ok := check(*zone)
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	})
	log.Printf("hello %s listening on %s", version, *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
