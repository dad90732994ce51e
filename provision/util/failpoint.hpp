#pragma once
// Fault-injection points for the end-to-end tests: when $SWARMCTL_FAILPOINT names `point`, the
// process stops itself there (SIGSTOP, every thread) the first time it passes, so that a test can
// kill it at exactly that step, however short the step is. Nothing happens otherwise.
namespace sc {
void failpoint(const char *point);
} // namespace sc
