// Command peixun runs the Peixun training platform: `peixun serve` (the default) starts the web
// server; other subcommands migrate, seed demo data and manage users. It only wires packages together.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai must exist in minimal containers too
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, usage, help string
	run               func(ctx context.Context, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "peixun serve [--addr :8080]", "Start the web server (the default). Migrates and seeds the demo on an empty database unless turned off.", runServe},
		{"migrate", "peixun migrate", "Bring the database schema up to date and exit.", runMigrate},
		{"seed", "peixun seed [--scale N]", "Fill an empty database with the demo bureau (or a large dataset of N people) and exit.", runSeed},
		{"check", "peixun check JOB | --list", "Run one scheduled check now (sweep, reminders, …) and print its record.", runCheck},
		{"load", "peixun load exam [flags]", "Drive a running server through an exam burst and check no answer was lost.", runLoad},
		{"user", "peixun user add|passwd|token …", "Create an administrator, reset a password, or issue an API token.", runUser},
		{"version", "peixun version", "Print the version.", func(context.Context, []string) error { fmt.Println("peixun", version); return nil }},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || (len(args) == 0 && name == "serve" && len(os.Args) > 1 && (os.Args[1] == "-h" || os.Args[1] == "--help")) {
		usage()
		return
	}
	for _, c := range commands {
		if c.name == name {
			if err := c.run(ctx, args); err != nil {
				if err == flag.ErrHelp {
					return
				}
				fmt.Fprintln(os.Stderr, "peixun "+name+":", err)
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "peixun: unknown command %q\n\n", name)
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "Peixun (培训): training management for law-enforcement agencies.\n\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-34s %s\n", c.usage, c.help)
	}
	fmt.Fprintln(os.Stderr, "\nSettings come from PEIXUN_* environment variables (see README.md). `peixun COMMAND --help` for more.")
}

// flags makes a flag set for a subcommand whose --help prints its usage.
func flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}
