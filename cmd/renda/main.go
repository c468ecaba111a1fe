// Command renda runs and administers the Renda platform: the server (serve),
// database migrations, tenants, users, the demo data and the audit chain.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}

// run executes the command line args, reading the process's environment
// and standard input. It has already reported an error on stderr when it
// returns one.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return execute(ctx, args, os.Environ(), os.Stdin, stdout, stderr)
}

// execute is run with the environment and standard input given, for tests.
func execute(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := &config{}
	started := false
	root := newRootCmd(cfg, environ, &started)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	// Until the root has loaded the configuration, every error is about how
	// renda was called: an unknown command or flag, wrong arguments, a bad
	// setting.
	if !started {
		err = usage(err)
	}
	fmt.Fprintf(stderr, "renda: %s\n", describe(err))
	if isUsage(err) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return err
}

// usageError is an error in how renda was called: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usage marks err as a usage error.
func usage(err error) error {
	if err == nil || isUsage(err) {
		return err
	}
	return usageError{err}
}

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// exitCode is 0 for success, 2 for a usage error or invalid input, and 1
// for any other failure.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case isUsage(err), core.ErrorCode(err) == core.EINVALID:
		return 2
	}
	return 1
}

// describe renders err for an operator: a classified error from core shows
// its English message and the fields at fault instead of its message key.
func describe(err error) string {
	msg := err.Error()
	var ce *core.Error
	if !errors.As(err, &ce) {
		return msg
	}
	text := ce.Msg.Render("en")
	if ce.Code == core.EINVALID && len(ce.Fields) > 0 {
		var b strings.Builder
		b.WriteString("invalid input:")
		for _, f := range ce.Fields {
			b.WriteString("\n  " + f.Path + ": " + f.Msg.Render("en"))
		}
		text = b.String()
	}
	if ce.Err != nil {
		text += ": " + ce.Err.Error()
	}
	return strings.Replace(msg, ce.Error(), text, 1)
}

// newRootCmd builds the command tree. It fills cfg before any subcommand
// runs and sets *started once it has.
func newRootCmd(cfg *config, environ []string, started *bool) *cobra.Command {
	root := &cobra.Command{
		Use:           "renda",
		Short:         "Run and administer the Renda platform for people's congresses",
		Args:          noArgs,
		RunE:          needSubcommand,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd.Flags(), environ)
			if err != nil {
				return err
			}
			*cfg = c
			*started = true
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	addConfigFlags(root.PersistentFlags())
	root.AddCommand(
		newServeCmd(cfg),
		newMigrateCmd(cfg),
		newTenantCmd(cfg),
		newUserCmd(cfg),
		newSeedCmd(cfg),
		newAuditCmd(cfg),
		newPluginCmd(cfg),
		newVersionCmd(),
	)
	return root
}

// group returns a command that only holds subcommands: run alone or with
// an unknown subcommand, it is a usage error rather than a silent help page.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noArgs,
		RunE:  needSubcommand,
	}
	c.AddCommand(subs...)
	return c
}

// needSubcommand is the RunE of a command that only holds subcommands.
func needSubcommand(cmd *cobra.Command, _ []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usagef("%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(names, ", "))
}

// noArgs refuses positional arguments; under a group they are a mistyped
// subcommand.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
}

// exactArgs wants n positional arguments, named in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s wants %d argument(s) (%s), got %d", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
		return nil
	}
}
