//===- SpawnAnalysis.cpp - Checks and decisions about spawns --------------===//
#include "SpawnAnalysis.h"
#include "ParallelAttribute.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <functional>
#include <optional>

using namespace clang;

namespace spice_rewrite {
namespace {

/// The variable's name as diagnostics print it (`[q, r]` for a structured
/// binding).
std::string printedName(const VarDecl *Var) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  Var->printName(OS);
  return OS.str();
}

/// One step of an lvalue path into a variable: a member, or an element.
struct PathStep {
  const ValueDecl *Member = nullptr;
  const Expr *Index = nullptr;
};

/// The variable \p E names part of, with the steps to that part (`v`,
/// `p.x`, `a[2].y`), or null when \p E is not such a path (a pointer on the
/// way, a call, ...).
const VarDecl *pathOf(const Expr *E, llvm::SmallVectorImpl<PathStep> &Steps) {
  Steps.clear();
  while (true) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      std::reverse(Steps.begin(), Steps.end());
      return dyn_cast<VarDecl>(DRE->getDecl());
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return nullptr;
      Steps.push_back({ME->getMemberDecl(), nullptr});
      E = ME->getBase();
      continue;
    }
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      if (!ASE->getBase()->IgnoreParenImpCasts()->getType()->isArrayType())
        return nullptr;
      Steps.push_back({nullptr, ASE->getIdx()});
      E = ASE->getBase();
      continue;
    }
    return nullptr;
  }
}

/// Whether two steps visibly name the same part: the same member, or
/// elements whose indices are equal constants or the same expression
/// without side effects.
bool sameStep(const PathStep &A, const PathStep &B, const ASTContext &Ctx) {
  if (A.Member || B.Member)
    return A.Member == B.Member;
  Expr::EvalResult X, Y;
  bool XC = A.Index->EvaluateAsInt(X, Ctx), YC = B.Index->EvaluateAsInt(Y, Ctx);
  if (XC || YC)
    return XC && YC && X.Val.getInt() == Y.Val.getInt();
  // `a[i++]` twice names two elements.
  if (A.Index->HasSideEffects(Ctx) || B.Index->HasSideEffects(Ctx))
    return false;
  llvm::FoldingSetNodeID IA, IB;
  A.Index->Profile(IA, Ctx, /*Canonical=*/true);
  B.Index->Profile(IB, Ctx, /*Canonical=*/true);
  return IA == IB;
}

/// Finds the first read or write of a variable (or of the part of it a
/// spawn stores into, or of anything that contains that part), outside
/// lambda bodies and unevaluated operands. A lambda's copy captures and
/// init-captures are evaluated where it is written: they count.
class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  explicit UseFinder(const VarDecl *Var) : Var(Var) {}
  /// Uses of \p Steps of \p Var: a use of another part does not count.
  UseFinder(const VarDecl *Var, llvm::ArrayRef<PathStep> Steps,
            const ASTContext &Ctx)
      : Var(Var), Steps(Steps.begin(), Steps.end()), Ctx(&Ctx) {}

  bool TraverseStmt(Stmt *S) {
    const auto *E = dyn_cast_or_null<Expr>(S);
    llvm::SmallVector<PathStep, 4> Used;
    if (Steps.empty() || !E || isa<DeclRefExpr>(E) || pathOf(E, Used) != Var)
      return RecursiveASTVisitor::TraverseStmt(S);
    // One path is a prefix of the other: the same part, or one holds the
    // other. Otherwise a different part, whose uses are fine.
    for (size_t I = 0; I < std::min(Used.size(), Steps.size()); ++I)
      if (!sameStep(Used[I], Steps[I], *Ctx))
        return true;
    report(E);
    return false;
  }

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    auto Init = LE->capture_init_begin();
    for (const LambdaCapture &C : LE->captures()) {
      Expr *E = Init == LE->capture_init_end() ? nullptr : *Init++;
      // By reference, only the variable's address is taken (a later call of
      // the lambda is not straight-line code of the block).
      if (!E || C.getCaptureKind() != LCK_ByCopy || TraverseStmt(E))
        continue;
      // `[=]`: point at the use in the body that made the copy.
      if (C.isImplicit())
        FoundAt = SourceRange(C.getLocation());
      return false;
    }
    return true;
  }
  bool TraverseUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *) {
    return true;
  }
  bool TraverseDecltypeTypeLoc(DecltypeTypeLoc) { return true; }
  bool TraverseCXXNoexceptExpr(CXXNoexceptExpr *) { return true; }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      Written.insert(BO->getLHS()->IgnoreParens());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      Written.insert(UO->getSubExpr()->IgnoreParens());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Op) {
    if (Op->isAssignmentOp() && Op->getNumArgs() > 0)
      Written.insert(Op->getArg(0)->IgnoreParens());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    const auto *Binding = dyn_cast<BindingDecl>(DRE->getDecl());
    if (Found || (DRE->getDecl() != Var &&
                  !(Binding && Binding->getDecomposedDecl() == Var)))
      return true;
    report(DRE);
    return false;
  }

  const Expr *Found = nullptr;
  SourceRange FoundAt; ///< where to report Found
  bool IsWrite = false;

private:
  void report(const Expr *E) {
    Found = E;
    FoundAt = E->getSourceRange();
    IsWrite = Written.count(E->IgnoreParens()) != 0;
  }

  const VarDecl *Var;
  llvm::SmallVector<PathStep, 4> Steps;
  const ASTContext *Ctx = nullptr;
  llvm::SmallPtrSet<const Expr *, 4> Written;
};

enum class ValueCategory { LValue, XValue, PRValue };

ValueCategory categoryOf(const Expr *E) {
  if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
    E = EWC->getSubExpr();
  E = E->IgnoreParens();
  if (isa<MaterializeTemporaryExpr>(E) || isa<CXXBindTemporaryExpr>(E))
    return ValueCategory::PRValue;
  if (E->isLValue())
    return ValueCategory::LValue;
  if (E->isXValue())
    return ValueCategory::XValue;
  return ValueCategory::PRValue;
}

/// A class object, or something in a template that may well be one.
bool isClassLike(QualType T) {
  T = T.getNonReferenceType();
  return T->isRecordType() || T->getAs<TemplateSpecializationType>() ||
         T->getAs<InjectedClassNameType>() || T->getAs<DependentNameType>();
}

SourceLocation keywordLoc(const Stmt *S) {
  if (const auto *R = dyn_cast<CoreturnStmt>(S))
    return R->getKeywordLoc();
  if (const auto *A = dyn_cast<CoroutineSuspendExpr>(S))
    return A->getKeywordLoc();
  if (const auto *A = dyn_cast<DependentCoawaitExpr>(S))
    return A->getKeywordLoc();
  return S->getBeginLoc();
}

const char *keywordName(const Stmt *S) {
  if (isa<CoreturnStmt>(S))
    return "co_return";
  if (isa<CoyieldExpr>(S))
    return "co_yield";
  return "co_await";
}

/// The variable or member a destination lvalue mainly names, for readable
/// generated identifiers.
std::string destName(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl()->getNameAsString();
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return ME->getMemberDecl()->getNameAsString();
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (Op->getNumArgs() > 0) {
        E = Op->getArg(0);
        continue;
      }
    }
    break;
  }
  return "result";
}

/// The variable whose storage a destination lvalue is (part of), looking
/// through members, array elements, subscripts of class objects and
/// references bound to such lvalues; null when the object may live elsewhere
/// (behind a pointer, an iterator or a call).
const VarDecl *storageRoot(const Expr *E, const ParallelFunction &PF) {
  for (unsigned Guard = 0; E && Guard < 64; ++Guard) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD || !VD->getType()->isReferenceType())
        return VD;
      if (!VD->hasLocalStorage())
        return nullptr;
      auto Range = PF.RangeInits.find(VD);
      E = Range != PF.RangeInits.end() ? Range->second : VD->getInit();
      continue;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return nullptr;
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      const Expr *Base = AS->getBase()->IgnoreParenImpCasts();
      if (!Base->getType()->isArrayType())
        return nullptr;
      E = Base;
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // An element of a container: it dies with the container.
      if (Op->getOperator() != OO_Subscript || Op->getNumArgs() < 1 ||
          Op->getArg(0)->getType()->isPointerType())
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

/// Whether a variable of type \p T can be declared without an initializer
/// (as far as the AST tells without asking Sema).
bool defaultConstructible(QualType T, unsigned Depth = 0) {
  while (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  if (T->isReferenceType())
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || Depth > 8)
    return true;
  if (!RD->needsImplicitDefaultConstructor()) {
    for (const CXXConstructorDecl *C : RD->ctors())
      if (C->isDefaultConstructor() && !C->isDeleted() &&
          C->getAccess() == AS_public)
        return true;
    return false;
  }
  // The implicit one, unless a member or base makes it deleted.
  for (const FieldDecl *F : RD->fields()) {
    if (F->hasInClassInitializer())
      continue;
    QualType FT = F->getType();
    if (FT->isReferenceType() ||
        (FT.isConstQualified() && !FT->getAsCXXRecordDecl()) ||
        !defaultConstructible(FT, Depth + 1))
      return false;
  }
  for (const CXXBaseSpecifier &B : RD->bases())
    if (!defaultConstructible(B.getType(), Depth + 1))
      return false;
  return true;
}

/// Whether the join can assign a result to a variable of type \p T declared
/// without an initializer: default-constructible and assignable.
bool assignableWhenDeclared(QualType T) {
  T = T.getNonReferenceType();
  if (T->isDependentType())
    return true; // cannot tell: the ordinary form
  if (!defaultConstructible(T))
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return true;
  // const or reference members delete the implicit assignments.
  for (const FieldDecl *F : RD->fields())
    if (F->getType().isConstQualified() || F->getType()->isReferenceType())
      return false;
  for (const CXXMethodDecl *M : RD->methods())
    if ((M->isCopyAssignmentOperator() || M->isMoveAssignmentOperator()) &&
        M->isDeleted())
      return false;
  return true;
}

} // namespace

bool hasLaterSyncOrReturn(const ParallelFunction &PF, const CompoundStmt *Block,
                          unsigned Index) {
  for (const SyncPoint &P : PF.Points) {
    if (P.PointKind != SyncPoint::Sync && P.PointKind != SyncPoint::Return)
      continue;
    for (const Frame &F : P.Frames)
      if (F.Compound == Block && F.Index > Index)
        return true;
  }
  return false;
}

namespace {
/// Whether \p S holds a label or a case: a place a jump can land on.
bool hasJumpTarget(const Stmt *S) {
  if (!S)
    return false;
  if (isa<LabelStmt>(S) || isa<SwitchCase>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (hasJumpTarget(Child))
      return true;
  return false;
}

/// True if the spawn group is empty at a point nested in \p Frames: every
/// way there passes a sync after the last spawn.
bool groupEmptyAt(const ParallelFunction &PF, const FrameStack &Frames) {
  // Outwards through the blocks around the point, to a sync standing
  // directly in one of them with nothing between it and the point that
  // could spawn or be jumped into: control then reaches the point only
  // through that sync. A loop or switch around the point lies in the
  // statement that holds it, so its spawns and case labels count.
  for (unsigned K = Frames.size(); K-- > 0;) {
    const Frame &F = Frames[K];
    if (F.FrameKind != Frame::Block)
      continue;
    std::optional<unsigned> SyncAt;
    for (const SyncPoint &P : PF.Points)
      if (P.PointKind == SyncPoint::Sync && P.InBlock &&
          P.Frames.back().Compound == F.Compound &&
          P.Frames.back().Index < F.Index &&
          (!SyncAt || P.Frames.back().Index > *SyncAt))
        SyncAt = P.Frames.back().Index;
    unsigned From = SyncAt ? *SyncAt + 1 : 0;
    for (const SpawnSite &Site : PF.Spawns)
      for (const Frame &SF : Site.Frames)
        if (SF.Compound == F.Compound && SF.Index >= From &&
            SF.Index <= F.Index)
          return false;
    for (unsigned I = From; I <= F.Index && I < F.Compound->size(); ++I)
      if (hasJumpTarget(F.Compound->body_begin()[I]))
        return false;
    if (SyncAt)
      return true;
  }
  return false;
}

/// Whether control cannot fall off the end of \p CS.
bool endsWithJump(const CompoundStmt *CS) {
  if (CS->body_empty())
    return false;
  const Stmt *Last = CS->body_back();
  if (isa<ReturnStmt>(Last) || isa<BreakStmt>(Last) ||
      isa<ContinueStmt>(Last) || isa<GotoStmt>(Last) || isa<CoreturnStmt>(Last))
    return true;
  if (const auto *E = dyn_cast<Expr>(Last))
    return isa<CXXThrowExpr>(E->IgnoreParenImpCasts());
  return false;
}

/// Whether a sync standing in a block of \p Frames (from \p FrameIndex on)
/// after the spawn at \p SpawnIndex of the first one joins it first.
bool joinedBySync(const ParallelFunction &PF, const FrameStack &Frames,
                  unsigned FrameIndex, unsigned SpawnIndex) {
  for (const SyncPoint &P : PF.Points) {
    if (P.PointKind != SyncPoint::Sync || !P.InBlock)
      continue;
    const Frame &Where = P.Frames.back();
    for (unsigned M = FrameIndex; M < Frames.size(); ++M) {
      if (Frames[M].FrameKind != Frame::Block ||
          Frames[M].Compound != Where.Compound)
        continue;
      unsigned Low = M == FrameIndex ? SpawnIndex + 1 : 0;
      if (Where.Index >= Low && Where.Index < Frames[M].Index)
        return true;
    }
  }
  return false;
}

/// The local futures still running at a point nested in \p Frames, counting
/// the blocks from \p FirstFrame on, in spawn order.
std::vector<const SpawnSite *> outstanding(const ParallelFunction &PF,
                                           const FrameStack &Frames,
                                           unsigned FirstFrame) {
  std::vector<const SpawnSite *> Out;
  for (const SpawnSite &Site : PF.Spawns) {
    if (!Site.Local)
      continue;
    const Frame &Where = Site.Frames.back();
    for (unsigned K = FirstFrame; K < Frames.size(); ++K) {
      if (Frames[K].FrameKind != Frame::Block ||
          Frames[K].Compound != Where.Compound ||
          Where.Index >= Frames[K].Index)
        continue;
      if (!joinedBySync(PF, Frames, K, Where.Index))
        Out.push_back(&Site);
    }
  }
  return Out;
}
} // namespace

void SpawnAnalysis::checkFile(const FinderResult &Result) {
  for (const auto &[Call, InLambda] : Result.Outside) {
    bool IsSpawn = classifySpiceCall(Call) == SpiceCallKind::Spawn;
    Diag.error(Call->getBeginLoc(),
               "'%0' outside a [[spice::parallel]] function")
        << (IsSpawn ? "spice::spawn" : "spice::sync") << Call->getSourceRange();
    if (InLambda)
      Diag.note(Call->getBeginLoc(),
                "a lambda body does not belong to the parallel function "
                "around it; spawn the lambda from that function instead");
  }
  for (const auto &[Call, Loop] : Result.LoopMisuses) {
    bool IsSpawn = classifySpiceCall(Call) == SpiceCallKind::Spawn;
    Diag.error(Call->getBeginLoc(),
               "'%0' cannot be used in the body of '%1'; its iterations "
               "already run in parallel: call a [[spice::parallel]] function "
               "from the body")
        << (IsSpawn ? "spice::spawn" : "spice::sync")
        << loopName(classifyLoopCall(Loop)) << Call->getSourceRange();
    Diag.note(Loop->getBeginLoc(), "the loop is here");
  }
  for (const LoopCall &L : Result.Loops) {
    bool ExplicitArgs = false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(L.Callee))
      ExplicitArgs = DRE->hasExplicitTemplateArgs();
    else if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(L.Callee))
      ExplicitArgs = ULE->hasExplicitTemplateArgs();
    if (ExplicitArgs)
      Diag.error(L.Callee->getBeginLoc(),
                 "'%0' cannot be called with explicit template arguments; "
                 "convert the arguments instead")
          << loopName(L.Reduce ? LoopKind::Reduce : LoopKind::For)
          << L.Callee->getSourceRange();
  }
  // A spawned loop would run through the serial elision inside the spawned
  // call, with a body rewritten to take the scheduler context.
  for (const auto &PF : Result.Functions)
    for (const SpawnSite &Site : PF->Spawns)
      if (LoopKind K = classifyLoopFunction(Site.CalleeDecl);
          K != LoopKind::None)
        Diag.error(Site.Spawn->getBeginLoc(),
                   "'%0' cannot be spawned; call it directly (it runs in "
                   "parallel already) or spawn a [[spice::parallel]] "
                   "function that calls it")
            << loopName(K) << Site.Spawn->getSourceRange();
  for (const auto &[FD, Why] : Result.ForeignMembers) {
    const auto *Class = cast<CXXMethodDecl>(FD)->getParent();
    Diag.error(FD->getLocation(),
               "cannot rewrite parallel member function %0: its class is "
               "defined in a file that is not rewritten (%1), where its "
               "parallel version must be declared")
        << FD << Why;
    Diag.note(Class->getLocation(),
              "mark the member's declaration in %0 [[spice::parallel]] and "
              "rewrite headers with --header-dir (spice_rewrite() does)")
        << Class;
  }
}

void SpawnAnalysis::analyze(ParallelFunction &PF) {
  checkForbidden(PF);
  checkDeclarations(PF);
  for (SpawnSite &Site : PF.Spawns)
    chooseCaptures(PF, Site);
  checkArguments(PF);
  classify(PF);
  nameSpawns(PF);
  planDeferred(PF);
  checkRaces(PF);
  checkGotos(PF);
  planJoins(PF);
}

void SpawnAnalysis::planUnwinding(ParallelFunction &PF, ThrowAnalysis &Throws) {
  if (PF.UsesGroup)
    return;
  for (SpawnSite &Site : PF.Spawns) {
    if (!Site.Local || !Site.InBlock)
      continue;
    // Joined on its own at every join: a join of several futures runs the
    // later ones' calls (which may throw) while this one is still queued.
    auto JoinsAlone = [&](const JoinPlan &Join) {
      return !llvm::is_contained(Join.Futures, &Site) ||
             Join.Futures.size() == 1;
    };
    if (!llvm::all_of(PF.Points,
                      [&](const SyncPoint &P) { return JoinsAlone(P.Join); }) ||
        !llvm::all_of(PF.BlockEnds,
                      [&](const BlockEnd &E) { return JoinsAlone(E.Join); }))
      continue;
    // The statements after the spawn in its block, up to the first one that
    // joins it by itself (a sync, or a return, break or continue, whose
    // joins come before their operand); else to the end of the block.
    const Frame &At = Site.Frames.back();
    const CompoundStmt *Block = At.Compound;
    bool MayThrow = false;
    for (unsigned K = At.Index + 1; K < Block->size() && !MayThrow; ++K) {
      const Stmt *Child = Block->body_begin()[K];
      bool Joins = llvm::any_of(PF.Points, [&](const SyncPoint &P) {
        return P.S == Child && P.InBlock &&
               llvm::is_contained(P.Join.Futures, &Site);
      });
      if (Joins)
        break;
      MayThrow = Throws.mayThrow(Child);
    }
    Site.NothrowUntilJoin = !MayThrow;
  }
}

void SpawnAnalysis::planJoins(ParallelFunction &PF) {
  const SourceManager &SM = Ctx.getSourceManager();
  for (SyncPoint &P : PF.Points) {
    // A break or continue leaves only the blocks inside its loop (or, for a
    // break, switch); the group syncs there only for a block that holds a
    // kept result.
    unsigned FirstFrame = 0;
    bool Group = PF.UsesGroup;
    if (P.PointKind == SyncPoint::Break || P.PointKind == SyncPoint::Continue) {
      FirstFrame = P.Frames.size();
      for (unsigned K = P.Frames.size(); K-- > 0;) {
        Frame::Kind FK = P.Frames[K].FrameKind;
        if (FK == Frame::Loop ||
            (FK == Frame::Switch && P.PointKind == SyncPoint::Break)) {
          FirstFrame = K + 1;
          break;
        }
      }
      Group = false;
      for (unsigned K = FirstFrame; K < P.Frames.size(); ++K)
        if (llvm::is_contained(PF.GroupSyncBlocks, P.Frames[K].Compound))
          Group = true;
    }
    if (Group && P.PointKind == SyncPoint::Return) {
      // Nothing can be in the group before the first spawn, unless a loop
      // comes back around.
      bool InLoop = llvm::any_of(
          P.Frames, [](const Frame &F) { return F.FrameKind == Frame::Loop; });
      bool SpawnBefore = llvm::any_of(PF.Spawns, [&](const SpawnSite &Site) {
        return SM.isBeforeInTranslationUnit(Site.S->getBeginLoc(),
                                            P.S->getBeginLoc());
      });
      Group = InLoop || SpawnBefore;
    }
    // Right after a sync (no spawn, no label between) the group is empty.
    if (Group && groupEmptyAt(PF, P.Frames))
      Group = false;
    P.Join.Futures = outstanding(PF, P.Frames, FirstFrame);
    P.Join.Group = Group;
  }

  const Stmt *BodyStmt = PF.FD->getBody();
  if (const auto *Try = dyn_cast_or_null<CXXTryStmt>(BodyStmt))
    BodyStmt = Try->getTryBlock();
  PF.BlockEnds.clear();
  for (const CompoundStmt *Block : PF.Blocks) {
    if (endsWithJump(Block))
      continue;
    BlockEnd End;
    End.Block = Block;
    End.IsBody = Block == BodyStmt;
    End.Join.Group = End.IsBody ? PF.UsesGroup
                                : llvm::is_contained(PF.GroupSyncBlocks, Block);
    // The block's own futures still running at its end.
    FrameStack AtEnd{{Frame::Block, Block, Block->size()}};
    if (End.Join.Group && groupEmptyAt(PF, AtEnd))
      End.Join.Group = false;
    End.Join.Futures = outstanding(PF, AtEnd, 0);
    if (!End.Join.empty())
      PF.BlockEnds.push_back(std::move(End));
  }
}

void SpawnAnalysis::checkForbidden(ParallelFunction &PF) {
  if (PF.FD->isConstexpr())
    Diag.error(PF.FD->getLocation(),
               "a [[spice::parallel]] function cannot be %select{constexpr|"
               "consteval}0: its entry point runs on the thread pool, which "
               "no constant expression can; keep a separate constexpr "
               "function for constant evaluation")
        << PF.FD->isConsteval();
  for (const CallExpr *Call : PF.Misplaced) {
    if (classifySpiceCall(Call) == SpiceCallKind::Sync)
      Diag.error(Call->getBeginLoc(),
                 "'spice::sync()' must be a statement of its own")
          << Call->getSourceRange();
    else
      Diag.error(Call->getBeginLoc(),
                 "'spice::spawn' must be a whole statement, the initializer "
                 "of a variable declaration, or the right side of an "
                 "assignment statement")
          << Call->getSourceRange();
  }
  for (const auto &[At, Why] : PF.BadSpawns)
    Diag.error(At->getBeginLoc(), "cannot spawn this: %0")
        << Why << At->getSourceRange();
  for (const CallExpr *Call : PF.JumpCalls)
    Diag.error(Call->getBeginLoc(),
               "setjmp/longjmp cannot be used in a [[spice::parallel]] "
               "function")
        << Call->getSourceRange();
  bool Reported = false;
  for (const Stmt *S : PF.CoroutineSites) {
    if (isa<CoroutineBodyStmt>(S))
      continue;
    Diag.error(keywordLoc(S),
               "'%0' in a [[spice::parallel]] function: coroutines cannot be "
               "parallel functions")
        << keywordName(S);
    Reported = true;
  }
  if (!Reported && !PF.CoroutineSites.empty())
    Diag.error(PF.FD->getLocation(),
               "a coroutine cannot be a [[spice::parallel]] function");
}

/// The temporary object \p Arg points or refers into, as in
/// `(s + "x").c_str()` or `std::vector<int>(n).data()`: a member call on a
/// temporary that returns a pointer, or a reference the spawned call binds
/// to. The temporary dies at the end of the spawn statement, before the
/// spawned call may run. (A reference argument copied at the spawn is fine.)
static const Expr *pointsIntoTemporary(const SpawnArg &Arg) {
  if (!Arg.E)
    return nullptr;
  const auto *Call = dyn_cast<CXXMemberCallExpr>(Arg.E->IgnoreParenImpCasts());
  if (!Call)
    return nullptr;
  bool Refers = Call->isGLValue() && Arg.Mode != CaptureMode::ByValue;
  if (!Call->getType()->isPointerType() && !Refers)
    return nullptr;
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Object)
    return nullptr;
  Object = Object->IgnoreParenImpCasts();
  if (isa<MaterializeTemporaryExpr>(Object) ||
      isa<CXXBindTemporaryExpr>(Object) ||
      (Object->isPRValue() && Object->getType()->isRecordType()))
    return Object;
  return nullptr;
}

/// Whether \p S begins or ends in a macro expansion.
static bool inMacro(const Stmt *S) {
  return S && (S->getBeginLoc().isMacroID() || S->getEndLoc().isMacroID());
}

void SpawnAnalysis::checkArguments(ParallelFunction &PF) {
  for (const SpawnSite &Site : PF.Spawns)
    for (const SpawnArg &Arg : Site.Args)
      if (const Expr *Temp = pointsIntoTemporary(Arg))
        Diag.error(Temp->getBeginLoc(),
                   "this spawn argument points into a temporary that is "
                   "destroyed at the spawn, before the spawned call may run; "
                   "keep the object in a variable until the sync")
            << Temp->getSourceRange();
}

void SpawnAnalysis::checkDeclarations(ParallelFunction &PF) {
  for (SpawnSite &Site : PF.Spawns) {
    // The statement, the spawn call and the callee must be spelled in the
    // file: their text is what the rewrite moves (macro arguments may be).
    if (inMacro(Site.S) || inMacro(Site.Spawn) || inMacro(Site.CalleeExpr))
      Diag.error(Site.Spawn->getBeginLoc(),
                 "cannot rewrite a spawn written inside a macro expansion");
    if (Site.Form != SpawnForm::Declaration)
      continue;
    const VarDecl *VD = Site.Var;
    if (VD->getType()->isReferenceType() && !Site.Spawn->isPRValue())
      Diag.error(VD->getLocation(),
                 "a reference cannot receive a spawned call's reference "
                 "result; declare a variable of the result type");
    else if (!VD->hasLocalStorage())
      Diag.error(VD->getLocation(),
                 "a spawned result must go to a local variable with automatic "
                 "storage");
  }
  for (const SyncPoint &P : PF.Points)
    if (P.PointKind == SyncPoint::Sync && inMacro(P.S))
      Diag.error(P.S->getBeginLoc(),
                 "cannot rewrite a sync written inside a macro expansion");
}

/// Whether a temporary is created inside \p E (an xvalue naming part of it
/// dies at the end of the spawn statement, so it cannot be referred to).
static bool makesTemporary(const Stmt *S) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<MaterializeTemporaryExpr>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (makesTemporary(Child))
      return true;
  return false;
}

std::vector<CaptureMode> SpawnAnalysis::argumentModes(
    const FunctionDecl *FD, const FunctionProtoType *Proto,
    llvm::ArrayRef<const Expr *> Args, bool &AllKnown) {
  auto paramType = [&](unsigned I) -> std::optional<QualType> {
    if (FD) {
      unsigned N = FD->getNumParams();
      if (I < N)
        return FD->getParamDecl(I)->getType();
      if (N > 0 && FD->getParamDecl(N - 1)->isParameterPack())
        return FD->getParamDecl(N - 1)->getType();
      return std::nullopt;
    }
    if (Proto && I < Proto->getNumParams())
      return Proto->getParamType(I);
    return std::nullopt;
  };
  std::vector<CaptureMode> Modes;
  AllKnown = true;
  for (unsigned I = 0; I < Args.size(); ++I) {
    const Expr *Arg = Args[I];
    ValueCategory Cat = categoryOf(Arg);
    std::optional<QualType> Param = paramType(I);
    CaptureMode Mode = CaptureMode::ByValue;
    if (!Param) {
      // Unknown parameter: copy at the spawn, so the call sees the value
      // the argument had there (arguments are evaluated once, at the spawn).
      AllKnown = false;
    } else {
      if (auto *PackT = (*Param)->getAs<PackExpansionType>())
        Param = PackT->getPattern();
      if ((*Param)->isReferenceType() && Cat != ValueCategory::PRValue) {
        QualType Referee = (*Param)->getPointeeType();
        QualType ArgT = Arg->getType();
        bool Same = Referee->isDependentType() || ArgT->isDependentType() ||
                    Ctx.hasSameUnqualifiedType(Referee, ArgT);
        if (!Same)
          if (const CXXRecordDecl *To = Referee->getAsCXXRecordDecl())
            if (const CXXRecordDecl *From = ArgT->getAsCXXRecordDecl())
              Same = From->hasDefinition() && To->hasDefinition() &&
                     From->isDerivedFrom(To);
        // A reference parameter binds to the argument's object, as in the
        // serial call; an xvalue is passed on as one.
        if (Same && Cat == ValueCategory::LValue)
          Mode = CaptureMode::ByReference;
        else if (Same && !makesTemporary(Arg))
          Mode = CaptureMode::ByXValue;
      }
    }
    Modes.push_back(Mode);
  }
  return Modes;
}

std::optional<std::vector<CaptureMode>>
SpawnAnalysis::instantiatedModes(const ParallelFunction &PF,
                                 const SpawnSite &Site) {
  // In a template the callee may depend on template arguments: look at the
  // same spawn in every instantiation, and use what they all agree on.
  const FunctionTemplateDecl *FTD = PF.FD->getDescribedFunctionTemplate();
  if (!FTD)
    return std::nullopt;
  SourceLocation At = Site.Spawn->getBeginLoc();
  std::optional<std::vector<CaptureMode>> Agreed;
  for (const FunctionDecl *Spec : FTD->specializations()) {
    const CallExpr *Spawn = nullptr;
    std::function<void(const Stmt *)> Find = [&](const Stmt *S) {
      if (!S || Spawn)
        return;
      if (const auto *CE = dyn_cast<CallExpr>(S))
        if (CE->getBeginLoc() == At &&
            classifySpiceCall(CE) == SpiceCallKind::Spawn) {
          Spawn = CE;
          return;
        }
      for (const Stmt *Child : S->children())
        Find(Child);
    };
    Find(Spec->getBody());
    if (!Spawn || Spawn->getNumArgs() == 0)
      continue;
    const Expr *First = Spawn->getArg(0)->IgnoreImplicit();
    std::vector<const Expr *> Args(Spawn->arg_begin() + 1, Spawn->arg_end());
    const FunctionDecl *FD = nullptr;
    const FunctionProtoType *Proto = nullptr;
    if (Args.empty() && isa<CallExpr>(First)) {
      const auto *Inner = cast<CallExpr>(First);
      FD = Inner->getDirectCallee();
      Args.assign(Inner->arg_begin(), Inner->arg_end());
      if (isa<CXXOperatorCallExpr>(Inner) && !Args.empty())
        Args.erase(Args.begin());
      if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(FD))
        if (MD->isInstance() && !isa<CXXOperatorCallExpr>(Inner) &&
            !isa<CXXMemberCallExpr>(Inner) && !Args.empty())
          Args.erase(Args.begin());
    } else {
      const Expr *Core = First->IgnoreParenImpCasts();
      if (const auto *UO = dyn_cast<UnaryOperator>(Core))
        if (UO->getOpcode() == UO_AddrOf)
          Core = UO->getSubExpr()->IgnoreParenImpCasts();
      QualType T = First->getType().getNonReferenceType();
      if (const auto *PT = T->getAs<PointerType>())
        T = PT->getPointeeType();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Core))
        FD = dyn_cast<FunctionDecl>(DRE->getDecl());
      if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(FD))
        if (MD->isInstance() && !Args.empty())
          Args.erase(Args.begin()); // the object
      if (!FD) {
        if (const auto *P = T->getAs<FunctionProtoType>())
          Proto = P;
        else
          FD = callOperatorFor(T, Args, Ctx);
      }
    }
    if (Args.size() != Site.Args.size())
      return std::nullopt;
    bool Known = false;
    std::vector<CaptureMode> Modes = argumentModes(FD, Proto, Args, Known);
    if (!Known || (Agreed && *Agreed != Modes))
      return std::nullopt;
    Agreed = std::move(Modes);
  }
  return Agreed;
}

void SpawnAnalysis::chooseCaptures(ParallelFunction &PF, SpawnSite &Site) {
  std::vector<const Expr *> ArgExprs;
  for (const SpawnArg &Arg : Site.Args)
    ArgExprs.push_back(Arg.E);
  bool Known = false;
  std::vector<CaptureMode> Modes =
      argumentModes(Site.CalleeDecl, Site.CalleeProto, ArgExprs, Known);
  if (!Known)
    if (std::optional<std::vector<CaptureMode>> Inst =
            instantiatedModes(PF, Site))
      Modes = std::move(*Inst);
  for (unsigned I = 0; I < Site.Args.size(); ++I)
    Site.Args[I].Mode = Modes[I];
  if (Site.Object)
    Site.ObjectMode = !Site.ObjectIsPointer &&
                              categoryOf(Site.Object) == ValueCategory::LValue
                          ? CaptureMode::ByReference
                          : CaptureMode::ByValue;
  if (Site.Callee == CalleeKind::Callable && Site.CalleeExpr)
    Site.CalleeMode = categoryOf(Site.CalleeExpr) == ValueCategory::LValue &&
                              isClassLike(Site.CalleeExpr->getType())
                          ? CaptureMode::ByReference
                          : CaptureMode::ByValue;
}

void SpawnAnalysis::classify(ParallelFunction &PF) {
  PF.UsesGroup = false;
  for (SpawnSite &Site : PF.Spawns) {
    const Frame &Inner = Site.Frames.back();
    bool SwitchBody =
        Site.Frames.size() >= 2 &&
        Site.Frames[Site.Frames.size() - 2].FrameKind == Frame::Switch;
    Site.Local = Site.InBlock && Inner.FrameKind == Frame::Block &&
                 !SwitchBody &&
                 (Site.Frames.size() == 1 ||
                  hasLaterSyncOrReturn(PF, Inner.Compound, Inner.Index));
    if (!Site.Local)
      PF.UsesGroup = true;
  }
  const CompoundStmt *Body =
      PF.Spawns.empty() ? nullptr : PF.Spawns.front().Frames.front().Compound;
  for (SpawnSite &Site : PF.Spawns) {
    Site.KeepResult = Site.Form != SpawnForm::Statement;
    if (!PF.UsesGroup || !Site.KeepResult)
      continue;
    Site.Local = false;
    // The group stores the result at a later sync, so the object it goes to
    // must still be alive then. An assignment always stores (through a
    // reference or into an element too). Only a local variable (or a part
    // of one) that goes out of scope before any sync may lose it, and only
    // when nothing can tell: its type has no destructor to observe it.
    const VarDecl *Var = Site.Form == SpawnForm::Declaration
                             ? Site.Var
                             : storageRoot(Site.Dest, PF);
    if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var))
      continue;
    auto It = PF.VarBlocks.find(Var);
    const CompoundStmt *Block =
        It == PF.VarBlocks.end() ? nullptr : It->second.first;
    if (Block == Body)
      continue;
    bool LaterSync =
        Block && hasLaterSyncOrReturn(PF, Block, It->second.second);
    if (!LaterSync && !Var->getType().isDestructedType() &&
        !Var->getType().isVolatileQualified()) {
      Site.KeepResult = false;
      continue;
    }
    if (!Block) {
      Diag.error(Site.Spawn->getBeginLoc(),
                 "cannot keep this spawned result: %0 goes out of scope "
                 "before the next spice::sync() and its type has a "
                 "destructor; put the statement in braces")
          << Var;
      Site.KeepResult = false;
      continue;
    }
    // The block syncs the group at its end (and at a break/continue
    // leaving it) so the result arrives before the variable dies.
    if (llvm::find(PF.GroupSyncBlocks, Block) == PF.GroupSyncBlocks.end())
      PF.GroupSyncBlocks.push_back(Block);
  }
  if (PF.UsesGroup)
    for (SpawnSite &Site : PF.Spawns)
      Site.Local = false;
}

void SpawnAnalysis::nameSpawns(ParallelFunction &PF) {
  llvm::StringMap<unsigned> Used;
  for (SpawnSite &Site : PF.Spawns) {
    std::string Base;
    if (Site.Form == SpawnForm::Declaration)
      Base = Site.Var->getNameAsString();
    else if (Site.Form == SpawnForm::Assignment)
      Base = destName(Site.Dest);
    else if (Site.CalleeDecl && Site.CalleeDecl->getIdentifier())
      Base = Site.CalleeDecl->getNameAsString();
    else if (Site.CalleeExpr && isa<DeclRefExpr>(Site.CalleeExpr))
      Base = cast<DeclRefExpr>(Site.CalleeExpr)->getDecl()->getNameAsString();
    if (Base.empty())
      Base = "spawn";
    unsigned &Count = Used[Base];
    ++Count;
    Site.Id = Count == 1 ? Base : Base + "_" + std::to_string(Count);
  }
}

/// Whether the variable declared at \p Loc has a type that the join cannot
/// assign in some instantiation of \p FD's template.
static bool unassignableInInstantiation(const FunctionDecl *FD,
                                        SourceLocation Loc) {
  const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate();
  if (!FTD)
    return false;
  for (const FunctionDecl *Spec : FTD->specializations()) {
    bool Found = false;
    std::function<void(const Stmt *)> Find = [&](const Stmt *S) {
      if (!S || Found)
        return;
      if (const auto *DS = dyn_cast<DeclStmt>(S))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            if (VD->getLocation() == Loc &&
                !assignableWhenDeclared(VD->getType()))
              Found = true;
      for (const Stmt *Child : S->children())
        Find(Child);
    };
    Find(Spec->getBody());
    if (Found)
      return true;
  }
  return false;
}

void SpawnAnalysis::planDeferred(ParallelFunction &PF) {
  for (SpawnSite &Site : PF.Spawns) {
    if (Site.Form != SpawnForm::Declaration)
      continue;
    QualType T = Site.Var->getType();
    if (!Site.KeepResult) {
      if (T->isReferenceType())
        Diag.error(Site.Var->getLocation(),
                   "a reference receiving a spawned result needs a "
                   "spice::sync() or return after the spawn in its block");
      continue;
    }
    // A reference (`const T &r = spice::spawn(...)`) binds at the sync to
    // the result kept until the end of its block, as the temporary it binds
    // to in the serial elision lives as long as it.
    // So does a structured binding (`auto [q, r] = spice::spawn(...)`).
    bool Reference = T->isReferenceType() || isa<DecompositionDecl>(Site.Var);
    if (!Reference &&
        (T->isDependentType()
             ? !unassignableInInstantiation(PF.FD, Site.Var->getLocation())
             : assignableWhenDeclared(T)))
      continue;
    // Keep the result in an optional until a sync, then declare the
    // variable there: it must be a sync or return of the spawn's block, and
    // nothing before it may name the variable.
    Site.Deferred = true;
    const VarDecl *Var = Site.Var;
    if (!Site.InBlock) {
      Diag.error(Var->getLocation(),
                 "a spawned result of type %0, %select{which has no default "
                 "constructor or assignment|a reference}1, must be declared "
                 "directly in a block")
          << Var->getType() << Reference;
      continue;
    }
    const Frame &Inner = Site.Frames.back();
    const CompoundStmt *Block = Inner.Compound;
    for (unsigned J = Inner.Index + 1; J < Block->size() && !Site.BindAt; ++J) {
      const Stmt *Next = Block->body_begin()[J];
      for (const SyncPoint &P : PF.Points)
        if (P.S == Next && P.InBlock &&
            (P.PointKind == SyncPoint::Sync ||
             P.PointKind == SyncPoint::Return))
          Site.BindAt = Next;
      if (Site.BindAt)
        break;
      UseFinder Finder(Var);
      Finder.TraverseStmt(const_cast<Stmt *>(Next));
      if (!Finder.Found)
        continue;
      Diag.error(Finder.FoundAt.getBegin(),
                 "%0 is used before a spice::sync() of its own block: "
                 "%select{its type %2 has no default constructor or "
                 "assignment|it is bound to the spawned result there}1, so "
                 "the variable only exists after such a sync")
          << Var << Reference << Var->getType() << Finder.FoundAt;
      Diag.note(Site.Spawn->getBeginLoc(), "%0 is spawned here") << Var;
      break;
    }
  }
}

void SpawnAnalysis::checkRaces(ParallelFunction &PF) {
  for (const SpawnSite &Site : PF.Spawns) {
    const VarDecl *Var =
        Site.Form == SpawnForm::Declaration ? Site.Var : Site.DestVar;
    // `a[2] = spice::spawn(...)`, `p.x = ...`: uses of that part.
    llvm::SmallVector<PathStep, 4> Steps;
    if (!Var && Site.Form == SpawnForm::Assignment && Site.Dest) {
      Var = pathOf(Site.Dest, Steps);
      if (Var && !Var->hasLocalStorage())
        Var = nullptr;
    }
    if (!Var || !Site.InBlock)
      continue;
    const Frame &Inner = Site.Frames.back();
    const CompoundStmt *Block = Inner.Compound;
    unsigned N = Block->size();
    for (unsigned J = Inner.Index + 1; J < N; ++J) {
      // A sync or return anywhere in the statement may come first: stop.
      bool Stops = false;
      for (const SyncPoint &P : PF.Points)
        if (P.PointKind == SyncPoint::Sync || P.PointKind == SyncPoint::Return)
          for (const Frame &F : P.Frames)
            if (F.Compound == Block && F.Index == J)
              Stops = true;
      if (Stops)
        break;
      UseFinder Finder(Var, Steps, Ctx);
      Finder.TraverseStmt(const_cast<Stmt *>(Block->body_begin()[J]));
      if (!Finder.Found)
        continue;
      std::string Name =
          "'" +
          (Steps.empty()
               ? printedName(Var)
               : Lexer::getSourceText(CharSourceRange::getTokenRange(
                                          Site.Dest->getSourceRange()),
                                      Ctx.getSourceManager(), Ctx.getLangOpts())
                     .str()) +
          "'";
      Diag.error(Finder.FoundAt.getBegin(),
                 "%select{read of|write to}0 spawned result %1 before the "
                 "next spice::sync(): the spawned call may still be running")
          << Finder.IsWrite << Name << Finder.FoundAt;
      Diag.note(Site.Spawn->getBeginLoc(), "%0 is spawned here") << Name;
      break;
    }
  }
}

void SpawnAnalysis::checkGotos(ParallelFunction &PF) {
  if (PF.Spawns.empty())
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  auto offset = [&](SourceLocation L) {
    return SM.getFileOffset(SM.getExpansionLoc(L));
  };
  for (const GotoSite &G : PF.Gotos) {
    if (!G.Target) {
      Diag.error(G.S->getBeginLoc(),
                 "computed goto in a [[spice::parallel]] function that "
                 "spawns");
      continue;
    }
    if (!G.Target->getStmt())
      continue;
    unsigned GotoAt = offset(G.S->getBeginLoc());
    unsigned LabelAt = offset(G.Target->getStmt()->getBeginLoc());
    for (const SpawnSite &Site : PF.Spawns) {
      // The region runs from the spawn to the sync that follows it in the
      // same block (inclusive), or to the end of the innermost block.
      const CompoundStmt *Block = nullptr;
      unsigned Index = 0;
      for (auto It = Site.Frames.rbegin(); It != Site.Frames.rend(); ++It)
        if (It->FrameKind == Frame::Block) {
          Block = It->Compound;
          Index = It->Index;
          break;
        }
      if (!Block)
        continue;
      unsigned Begin = offset(Site.S->getBeginLoc());
      unsigned End = offset(Block->getRBracLoc());
      if (Site.InBlock)
        for (unsigned J = Index + 1; J < Block->size(); ++J) {
          const Stmt *Next = Block->body_begin()[J];
          bool IsSync = false;
          for (const SyncPoint &P : PF.Points)
            if (P.PointKind == SyncPoint::Sync && P.S == Next)
              IsSync = true;
          if (IsSync) {
            End = offset(Next->getEndLoc());
            break;
          }
        }
      bool GotoIn = GotoAt >= Begin && GotoAt <= End;
      bool LabelIn = LabelAt >= Begin && LabelAt <= End;
      if (GotoIn == LabelIn)
        continue;
      Diag.error(G.S->getBeginLoc(),
                 "goto jumps %select{into|out of}0 the region between a "
                 "spawn and its sync")
          << GotoIn;
      Diag.note(Site.Spawn->getBeginLoc(), "the region starts at this spawn");
      break;
    }
  }
}

} // namespace spice_rewrite
