//===- ParallelFinder.h - Locating parallel functions and their parts -----===//
//
// Walks the main file's AST: the [[spice::parallel]] definitions (with their
// spawns, syncs, exits, calls of parallel functions, gotos, ...), the
// declarations that need a parallel twin, and spawn/sync calls that stand
// outside any parallel function.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_PARALLELFINDER_H
#define SPICE_REWRITE_PARALLELFINDER_H

#include "ParallelModel.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/MapVector.h"

#include <memory>

namespace spice_rewrite {

struct FinderResult {
  /// Parallel definitions in the main file, in source order.
  std::vector<std::unique_ptr<ParallelFunction>> Functions;
  /// Declarations (not definitions) of parallel functions in the main file.
  std::vector<const clang::FunctionDecl *> Declarations;
  /// Parallel functions declared only outside the main file whose parallel
  /// version the main file calls, with the location of the first use.
  llvm::MapVector<const clang::FunctionDecl *, clang::SourceLocation>
      HeaderDeclared;
  /// spawn/sync calls outside any parallel function, and whether each one
  /// stands in a lambda inside a parallel function.
  std::vector<std::pair<const clang::CallExpr *, bool>> Outside;
  /// Parallel member functions defined in the main file whose class is
  /// defined elsewhere (their parallel twin cannot be declared).
  std::vector<const clang::FunctionDecl *> ForeignMembers;
};

/// True if calls of \p FD may go to a parallel version spice_parallel_NAME:
/// it is parallel and defined in the main file, or declared in a place where
/// the rewritten program declares its twin.
bool hasParallelVersion(const clang::FunctionDecl *FD,
                        const clang::SourceManager &SM);

FinderResult findParallelCode(clang::ASTContext &Ctx);

} // namespace spice_rewrite

#endif
