//===- Output.h - Writing results: atomic files and depfiles --------------===//
#ifndef SPICE_REWRITE_OUTPUT_H
#define SPICE_REWRITE_OUTPUT_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace spice_rewrite {

/// Writes \p Content to \p Path through a temporary file in the same
/// directory and a rename, so readers never see a partial file. Returns an
/// error message, or empty on success.
std::string writeFileAtomically(llvm::StringRef Path, llvm::StringRef Content);

/// Makefile rule "Target: Deps..." with spaces and '$' escaped.
std::string makeDepfile(llvm::StringRef Target,
                        const std::vector<std::string> &Deps);

} // namespace spice_rewrite

#endif
