package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are set at build time:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD)"
//
// (deploy/build.sh does it). Without commit, the VCS revision Go stamps into
// a build from a git checkout is shown.
var (
	version = "dev"
	commit  = ""
)

func runVersion(w io.Writer) int {
	rev := commit
	if rev == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					rev = s.Value
				}
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		rev = " " + rev
	}
	fmt.Fprintf(w, "envoybot %s%s (%s %s/%s)\n", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
