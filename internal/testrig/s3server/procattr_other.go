//go:build !linux

package s3server

import "syscall"

// procAttr: outside Linux there is no parent-death signal; Stop ends the server.
func procAttr() *syscall.SysProcAttr { return nil }
