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
#include "RewriteScope.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/MapVector.h"

#include <memory>

namespace spice_rewrite {

struct FinderResult {
  /// Parallel definitions in rewritten files, in source order.
  std::vector<std::unique_ptr<ParallelFunction>> Functions;
  /// Declarations (not definitions) of parallel functions in rewritten files.
  std::vector<const clang::FunctionDecl *> Declarations;
  /// Parallel functions declared only outside the rewritten files whose
  /// parallel version a rewritten file calls, with the location of the first
  /// use in each file.
  llvm::MapVector<std::pair<clang::FileID, const clang::FunctionDecl *>,
                  clang::SourceLocation>
      HeaderDeclared;
  /// spawn/sync calls outside any parallel function, and whether each one
  /// stands in a lambda inside a parallel function.
  std::vector<std::pair<const clang::CallExpr *, bool>> Outside;
  /// Parallel member functions defined in a rewritten file whose class is
  /// defined in a file that is not rewritten (their parallel twin cannot be
  /// declared), with the reason that file is not rewritten.
  std::vector<std::pair<const clang::FunctionDecl *, std::string>>
      ForeignMembers;
  /// Calls of spice::parallel_for / parallel_reduce, in source order.
  std::vector<LoopCall> Loops;
  /// Calls of parallel functions in loop-body lambdas (fast form).
  std::vector<ParallelCall> LoopBodyCalls;
  /// spawn/sync calls directly in a loop-body lambda, with that loop's call.
  std::vector<std::pair<const clang::CallExpr *, const clang::CallExpr *>>
      LoopMisuses;
};

/// True if calls of \p FD may go to a parallel version spice_parallel_NAME:
/// it is parallel and defined in a rewritten file, or declared in a place
/// where the rewritten program declares its twin.
bool hasParallelVersion(const clang::FunctionDecl *FD,
                        const RewriteScope &Scope);

FinderResult findParallelCode(clang::ASTContext &Ctx,
                              const RewriteScope &Scope);

/// The operator() that the serial call of a function object of type \p T
/// with \p Args makes, when it can be known: the only one, or the one
/// specialization of a generic one (a generic lambda) that fits the
/// arguments. Null otherwise.
const clang::FunctionDecl *
callOperatorFor(clang::QualType T, llvm::ArrayRef<const clang::Expr *> Args,
                const clang::ASTContext &Ctx);

} // namespace spice_rewrite

#endif
