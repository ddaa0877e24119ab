package main

import (
	"os/exec"
	"syscall"
)

// setParentDeath has the kernel kill cmd when wxload dies, so that no
// server outlives an interrupted compare.
func setParentDeath(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
