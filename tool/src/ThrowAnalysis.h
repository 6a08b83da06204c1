//===- ThrowAnalysis.h - Can this code throw?
//------------------------------===//
//
// A conservative answer, from the AST, to "can an exception leave this
// statement (or this function)?". spice-rewrite asks it about the code
// between a spawn and its sync: where nothing there can throw, the spawn's
// handle needs no unwinding cleanup, and without that cleanup GCC can turn
// the join fallback's final recursive call into a loop, as it does for the
// serial function (docs/rewrite.md, "Spawns nothing can unwind").
//
// "No" must be right; "yes" may be wrong. Throws are: throw expressions,
// try blocks (they may rethrow), calls of functions whose exception
// specification allows throwing and whose body is not visible or can throw,
// virtual and indirect calls without a non-throwing specification, `new`,
// dynamic_cast to a reference, potentially evaluated typeid, destructors
// that may throw, coroutines, spice's parallel loops and spawn groups (they
// allocate), and anything that depends on a template parameter. Visible
// bodies are followed through calls, recursion included: a set of functions
// calling each other cannot throw if none of them holds a throw of its own
// (a greatest fixpoint over the call graph).
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_THROWANALYSIS_H
#define SPICE_REWRITE_THROWANALYSIS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

namespace spice_rewrite {

class ThrowAnalysis {
public:
  explicit ThrowAnalysis(clang::ASTContext &Ctx) : Ctx(Ctx) {}

  /// A parallel function rewritten in this run without a spawn group: its
  /// rewritten body throws what its source does. Other parallel functions
  /// count as throwing (a spawn group allocates; one rewritten elsewhere
  /// is not known).
  void trustParallel(const clang::FunctionDecl *FD);

  /// Whether an exception can leave \p S when it runs.
  bool mayThrow(const clang::Stmt *S);

  /// Whether an exception can leave a call of \p FD.
  bool mayThrow(const clang::FunctionDecl *FD);

private:
  /// What one statement or body throws by itself and which functions it
  /// calls whose answer decides the rest.
  struct Summary {
    bool Direct = false;
    llvm::SmallVector<const clang::FunctionDecl *, 4> Callees;
  };

  void summarize(const clang::Stmt *S, Summary &Out);
  void addCallee(const clang::FunctionDecl *FD, Summary &Out);
  void addDestructor(clang::QualType T, Summary &Out);
  /// Decides every function reachable from \p Roots that is still open.
  void solve(llvm::ArrayRef<const clang::FunctionDecl *> Roots);

  clang::ASTContext &Ctx;
  /// Final answers (true: may throw).
  llvm::DenseMap<const clang::FunctionDecl *, bool> Decided;
  llvm::DenseSet<const clang::FunctionDecl *> Trusted;
  /// Bodies followed so far, across all questions: past this, unknown code
  /// counts as throwing (deep template libraries).
  unsigned Visited = 0;
  static constexpr unsigned MaxFunctions = 4000;
};

} // namespace spice_rewrite

#endif
