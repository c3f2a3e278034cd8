// Command dagger: gostatic's session-only Dagger CLI. It implements the one
// subcommand SDKs run, `dagger session`, over the engine's own client package;
// the upstream CLI's terminal UI needs modules the Go module proxy here does
// not serve. Built by scripts/dagger-engine.sh from this file.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/dagger/dagger/engine"
	"github.com/dagger/dagger/engine/client"
)

type list []string

func (l *list) String() string     { return fmt.Sprint(*l) }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	cmd := ""
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "version", "--version":
		fmt.Printf("dagger %s (gostatic session-only build) %s/%s\n", engine.Version, runtime.GOOS, runtime.GOARCH)
	case "session":
		if err := session(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "dagger session:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: dagger session [--workdir DIR] [--label K:V]... | dagger version")
		os.Exit(2)
	}
}

func session(args []string) error {
	fs := flag.NewFlagSet("session", flag.ContinueOnError)
	var labels list
	fs.Var(&labels, "label", "SDK identification (accepted, unused)")
	workdir := fs.String("workdir", "", "directory host paths are relative to")
	fs.String("project", "", "accepted, unused")
	version := fs.String("version", "", "client version to announce")
	workspace := fs.String("workspace", "", "workspace to load")
	loadWS := fs.Bool("load-workspace-modules", false, "load workspace modules")
	skipWS := fs.Bool("skip-workspace-modules", false, "skip workspace modules")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workdir != "" {
		if err := os.Chdir(*workdir); err != nil {
			return err
		}
	}
	runner := os.Getenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST")
	if runner == "" {
		return errors.New("_EXPERIMENTAL_DAGGER_RUNNER_HOST is not set; this build cannot provision an engine")
	}
	signal.Ignore(syscall.SIGPIPE)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-stop; l.Close() }()
	// The SDK ends the session by closing our stdin.
	go func() { io.Copy(io.Discard, os.Stdin); l.Close() }()

	token := uuid.NewString()
	params := client.Params{
		SecretToken:          token,
		RunnerHost:           runner,
		Version:              *version,
		LoadWorkspaceModules: *loadWS,
		SkipWorkspaceModules: *skipWS,
	}
	if *workspace != "" {
		params.Workspace = workspace
	}
	ctx := context.Background()
	sess, err := client.Connect(ctx, params)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", runner, err)
	}
	defer sess.Close()

	line, err := json.Marshal(map[string]any{"port": l.Addr().(*net.TCPAddr).Port, "session_token": token})
	if err != nil {
		return err
	}
	if _, err := os.Stdout.Write(append(line, '\n')); err != nil {
		return err
	}
	srv := http.Server{Handler: sess, ReadHeaderTimeout: 30 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	if err := srv.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
