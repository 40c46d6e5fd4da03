// The subcommands of normlab-cli (docs/cli.md). Each takes its arguments without the
// program and subcommand names and returns the process exit code: 0 done, 2 invalid input
// or configuration (message on stderr, nothing written).
#pragma once

#include <QStringList>

namespace normlab::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 2;

int runCommand(const QStringList& arguments);
int benchCommand(const QStringList& arguments);
int benchDiagnoseCommand(const QStringList& arguments);
int diagnoseCommand(const QStringList& arguments);
int healthCommand(const QStringList& arguments);

} // namespace normlab::app
