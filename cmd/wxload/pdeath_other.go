//go:build !linux

package main

import "os/exec"

// setParentDeath is Linux only; elsewhere stop() is the only clean-up.
func setParentDeath(*exec.Cmd) {}
