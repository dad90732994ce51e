#pragma once
// SIGPIPE policy, set once at start-up (cmd/main.cpp):
// - SIGPIPE is ignored. A write to a socket or pipe whose reader went away (an engine closing its
//   TLS connection, a local or remote program exiting without reading its stdin) fails with
//   EPIPE and is reported like any error, instead of killing swarmctl without a word.
// - Standard output and error are the exception, as in docker-machine (a Go program dies of
//   SIGPIPE when fd 1 or 2 is a broken pipe): when the reader is gone (`swarmctl ls | head -1`)
//   swarmctl ends at once and quietly, killed by SIGPIPE (status 141 in the shell), no message.
// Programs swarmctl starts get SIGPIPE's default back before exec (run_process, the local host
// init).
#include <cstdio>
#include <string_view>

namespace sc {

// Ignores SIGPIPE for the whole process. Call once in main, before any thread starts.
void ignore_sigpipe() noexcept;

// After a failed write to stdout/stderr with error `err`: EPIPE ends the process as if SIGPIPE
// had not been ignored (default action restored, signal raised). Other errors return.
void exit_if_broken_pipe(int err) noexcept;

// Writes all of `s` to `f` and flushes; a reader gone away ends the process (above). Other
// write errors are dropped: there is nowhere left to report them.
void write_stream(std::FILE *f, std::string_view s) noexcept;

} // namespace sc
