//go:build unix

package loadgen

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time (user and system) this process has used, so a
// benchmark on a shared machine can say how much work it did as well as how
// long it waited. A database server's own CPU is not in it.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
