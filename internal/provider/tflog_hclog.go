package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger is an hclog.Logger that writes through tflog: the engine packages log through
// hclog, which knows nothing of Terraform, and the provider hands them one of these bound to the
// request's context, so their lines reach Terraform's log with the request's fields. Terraform
// filters by level (TF_LOG_PROVIDER), so every level is enabled here.
type tflogLogger struct {
	ctx  context.Context
	name string
	args []any // With's arguments, key-value pairs
}

var _ hclog.Logger = tflogLogger{}

// newTFLogger returns an hclog.Logger that logs through tflog in ctx.
func newTFLogger(ctx context.Context) hclog.Logger { return tflogLogger{ctx: ctx} }

func (l tflogLogger) Log(level hclog.Level, msg string, args ...any) {
	if l.name != "" {
		msg = l.name + ": " + msg
	}
	fields := fieldsOf(append(append([]any(nil), l.args...), args...))
	switch level {
	case hclog.Trace:
		tflog.Trace(l.ctx, msg, fields)
	case hclog.Debug:
		tflog.Debug(l.ctx, msg, fields)
	case hclog.Warn:
		tflog.Warn(l.ctx, msg, fields)
	case hclog.Error:
		tflog.Error(l.ctx, msg, fields)
	default:
		tflog.Info(l.ctx, msg, fields)
	}
}

// fieldsOf turns hclog's key-value arguments into tflog's fields; a value without a key goes
// under hclog's own name for it.
func fieldsOf(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	fields := make(map[string]any, (len(args)+1)/2)
	for i := 0; i < len(args); i += 2 {
		if i+1 == len(args) {
			fields[hclog.MissingKey] = args[i]
			break
		}
		key, ok := args[i].(string)
		if !ok {
			key = fmt.Sprint(args[i])
		}
		fields[key] = args[i+1]
	}
	return fields
}

func (l tflogLogger) Trace(msg string, args ...any) { l.Log(hclog.Trace, msg, args...) }
func (l tflogLogger) Debug(msg string, args ...any) { l.Log(hclog.Debug, msg, args...) }
func (l tflogLogger) Info(msg string, args ...any)  { l.Log(hclog.Info, msg, args...) }
func (l tflogLogger) Warn(msg string, args ...any)  { l.Log(hclog.Warn, msg, args...) }
func (l tflogLogger) Error(msg string, args ...any) { l.Log(hclog.Error, msg, args...) }

func (tflogLogger) IsTrace() bool { return true }
func (tflogLogger) IsDebug() bool { return true }
func (tflogLogger) IsInfo() bool  { return true }
func (tflogLogger) IsWarn() bool  { return true }
func (tflogLogger) IsError() bool { return true }

func (l tflogLogger) ImpliedArgs() []any { return l.args }

func (l tflogLogger) With(args ...any) hclog.Logger {
	l.args = append(append([]any(nil), l.args...), args...)
	return l
}

func (l tflogLogger) Name() string { return l.name }

func (l tflogLogger) Named(name string) hclog.Logger {
	if l.name != "" {
		name = l.name + "." + name
	}
	l.name = name
	return l
}

func (l tflogLogger) ResetNamed(name string) hclog.Logger {
	l.name = name
	return l
}

// SetLevel does nothing: Terraform decides what is printed.
func (tflogLogger) SetLevel(hclog.Level) {}

func (tflogLogger) GetLevel() hclog.Level { return hclog.Trace }

func (l tflogLogger) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(l.StandardWriter(opts), "", 0)
}

// StandardWriter logs each line written to it at opts' forced level (Info by default).
func (l tflogLogger) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	level := hclog.Info
	if opts != nil && opts.ForceLevel != hclog.NoLevel {
		level = opts.ForceLevel
	}
	return lineWriter(func(line string) { l.Log(level, line) })
}

type lineWriter func(string)

func (w lineWriter) Write(p []byte) (int, error) {
	for line := range bytes.Lines(p) {
		if line = bytes.TrimRight(line, "\r\n"); len(line) > 0 {
			w(string(line))
		}
	}
	return len(p), nil
}
