//===- SpawnAnalysis.h - Checks and decisions about spawns ----------------===//
//
// Rejects what the source language forbids (misplaced spawn/sync, bad
// callees, races visible in straight-line code, gotos across a spawn..sync
// region, setjmp/longjmp, coroutines) and decides how each spawn is emitted
// (local future or spawn group, where its result goes, how its arguments are
// captured) and what each sync point and block end joins.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_SPAWNANALYSIS_H
#define SPICE_REWRITE_SPAWNANALYSIS_H

#include "Diagnostics.h"
#include "ParallelFinder.h"
#include "ThrowAnalysis.h"

#include <optional>

namespace spice_rewrite {

class SpawnAnalysis {
public:
  SpawnAnalysis(clang::ASTContext &Ctx, Diagnoser &Diag)
      : Ctx(Ctx), Diag(Diag) {}

  /// Reports spawn/sync calls outside parallel functions and definitions
  /// that cannot be rewritten.
  void checkFile(const FinderResult &Result);

  /// Checks one parallel function and fills the analysis fields of its
  /// spawns. Errors go to the diagnostics engine.
  void analyze(ParallelFunction &PF);

  /// Marks the local spawns of \p PF that no exception can separate from
  /// their join (SpawnSite::NothrowUntilJoin). Runs after analyze() of every
  /// function of the file, as it follows calls between them.
  void planUnwinding(ParallelFunction &PF, ThrowAnalysis &Throws);

private:
  void checkForbidden(ParallelFunction &PF);
  void checkDeclarations(ParallelFunction &PF);
  /// Arguments that point into a temporary the spawn statement destroys.
  void checkArguments(ParallelFunction &PF);
  void chooseCaptures(ParallelFunction &PF, SpawnSite &Site);
  std::vector<CaptureMode>
  argumentModes(const clang::FunctionDecl *FD,
                const clang::FunctionProtoType *Proto,
                llvm::ArrayRef<const clang::Expr *> Args, bool &AllKnown);
  std::optional<std::vector<CaptureMode>>
  instantiatedModes(const ParallelFunction &PF, const SpawnSite &Site);
  void classify(ParallelFunction &PF);
  void nameSpawns(ParallelFunction &PF);
  void planDeferred(ParallelFunction &PF);
  void checkRaces(ParallelFunction &PF);
  void checkGotos(ParallelFunction &PF);
  void planJoins(ParallelFunction &PF);

  clang::ASTContext &Ctx;
  Diagnoser &Diag;
};

/// True if a sync or return stands in \p Block after its child \p Index.
bool hasLaterSyncOrReturn(const ParallelFunction &PF,
                          const clang::CompoundStmt *Block, unsigned Index);

} // namespace spice_rewrite

#endif
