//go:build !unix

package loadgen

import "time"

// CPUTime is not measured here.
func CPUTime() time.Duration { return 0 }
