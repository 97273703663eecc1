package s3server

import "syscall"

// procAttr has the kernel kill the server when the thread that started it ends, so a test
// process that dies does not leave it running. The Go runtime ends a thread only when a
// goroutine locked to it (runtime.LockOSThread) returns: do not call Start from one.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
