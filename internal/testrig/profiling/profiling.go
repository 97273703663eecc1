// Package profiling writes pprof profiles for the project's tooling commands (ddbload-bench,
// ddbload-sim, memcheck), so that each command's -cpuprofile and -memprofile flags behave alike.
// It is part of the test rig (internal/testrig), not the shipped provider.
package profiling

import (
	"errors"
	"os"
	"runtime/pprof"
)

// StartCPU starts a CPU profile into path. stop ends it and closes the file; its error is the
// file's (a profile cut short is worse than none).
func StartCPU(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close(), os.Remove(path))
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// Write writes the named profile ("heap", "allocs", ...) into path.
func Write(path, name string) error {
	p := pprof.Lookup(name)
	if p == nil {
		return errors.New("profiling: no profile named " + name)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := p.WriteTo(f, 0); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}
