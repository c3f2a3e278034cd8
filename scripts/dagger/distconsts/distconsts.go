// Package distconsts: gostatic's copy of Dagger's engine/distconsts, which
// scripts/dagger-engine.sh builds with because the Go module proxy does not
// serve this nested module of Dagger. The values are the paths and images a
// stock engine image is laid out for.
package distconsts

const (
	EngineContainerName   = "dagger-engine.dev"
	DefaultEngineSockAddr = "unix:///run/dagger/engine.sock"

	RuncPath              = "/usr/local/bin/runc"
	DaggerInitPath        = "/usr/local/bin/dagger-init"
	TiniPath              = "/usr/local/bin/tini"
	EngineDefaultStateDir = "/var/lib/dagger"

	EngineContainerBuiltinContentDir   = "/usr/local/share/dagger/content"
	EngineCustomCACertsDir             = "/usr/local/share/ca-certificates"
	GoSDKManifestDigestEnvName         = "DAGGER_GO_SDK_MANIFEST_DIGEST"
	PythonSDKManifestDigestEnvName     = "DAGGER_PYTHON_SDK_MANIFEST_DIGEST"
	TypescriptSDKManifestDigestEnvName = "DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST"

	AlpineVersion  = "3.22.1"
	AlpineImage    = "alpine:" + AlpineVersion
	GolangVersion  = "1.26"
	GolangImage    = "golang:" + GolangVersion + "-alpine"
	BusyboxVersion = "1.37.0"
	BusyboxImage   = "busybox:" + BusyboxVersion

	OCIVersionAnnotation = "org.opencontainers.image.version"
)
