package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// logLine is a line of Terraform's log (TF_LOG_PROVIDER) rather than of its own output.
var logLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\S+ \[(TRACE|DEBUG|INFO|WARN|ERROR)\]`)

// progressLine is the provider's progress message, then its fields.
var progressLine = regexp.MustCompile(`^(Loading \S+: \d+/\d+ items)(?:: (.*))?$`)

// field is one key=value of a log line's fields.
var field = regexp.MustCompile(`(?:^|\s)([a-z_]+)=(\S+)`)

// shown are the fields a person wants from each kind of line, in the order shown.
var shown = map[string][]string{
	"Loading": {"items_per_second", "throttled", "eta_seconds"},
	"Loaded":  {"seconds", "throttled"},
}

// showProgress copies Terraform's standard error to w, keeping of its log lines only the
// provider's progress ("Loading ...") and summary ("Loaded dataset"), each as one short line, so
// the demo shows a load as it runs without the rest of the log. Close returns once every line
// written is shown.
func showProgress(w io.Writer) io.WriteCloser {
	r, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := bufio.NewScanner(r)
		s.Buffer(make([]byte, 64<<10), 1<<20)
		for s.Scan() {
			line := s.Text()
			if !logLine.MatchString(line) {
				fmt.Fprintln(w, line)
				continue
			}
			_, msg, ok := strings.Cut(line, "provider.terraform-provider-ddbload: ")
			if !ok {
				continue
			}
			var text, fields, kind string
			if m := progressLine.FindStringSubmatch(msg); m != nil {
				text, fields, kind = m[1], m[2], "Loading"
			} else if rest, ok := strings.CutPrefix(msg, "Loaded dataset: "); ok {
				text, fields, kind = "Loaded dataset", rest, "Loaded"
			} else {
				continue
			}
			values := map[string]string{}
			for _, m := range field.FindAllStringSubmatch(fields, -1) {
				values[m[1]] = m[2]
			}
			var extra []string
			for _, k := range shown[kind] {
				if v, ok := values[k]; ok {
					extra = append(extra, k+"="+v)
				}
			}
			fmt.Fprintf(w, "  %s  %s\n", text, strings.Join(extra, " "))
		}
		_, _ = io.Copy(io.Discard, r) // a line over the buffer: drain, so terraform never blocks
	}()
	return progressWriter{pw, done}
}

type progressWriter struct {
	*io.PipeWriter
	done chan struct{}
}

func (p progressWriter) Close() error {
	err := p.PipeWriter.Close()
	<-p.done
	return err
}
