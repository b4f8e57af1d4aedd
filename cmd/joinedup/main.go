// Command joinedup runs a Local Area Partnership's SEND system. See `joinedup help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"joinedup/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.OSEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
