package profiling

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartCPUAndWrite(t *testing.T) {
	dir := t.TempDir()
	cpu := filepath.Join(dir, "cpu.pb")
	stop, err := StartCPU(cpu)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := StartCPU(filepath.Join(dir, "second.pb")); err == nil {
		t.Error("a second CPU profile started while one runs; want an error")
	}
	if _, err := os.Stat(filepath.Join(dir, "second.pb")); !os.IsNotExist(err) {
		t.Errorf("the refused second profile left its file behind (stat: %v)", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	allocs := filepath.Join(dir, "allocs.pb")
	if err := Write(allocs, "allocs"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{cpu, allocs} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: want a non-empty profile (stat: %v)", filepath.Base(p), err)
		}
	}
	if err := Write(filepath.Join(dir, "x.pb"), "nonesuch"); err == nil || !strings.Contains(err.Error(), "nonesuch") {
		t.Errorf("Write of an unknown profile: err = %v, want one naming it", err)
	}
}
