//===- SpawnAnalysis.cpp - Checks and decisions about spawns --------------===//
#include "SpawnAnalysis.h"
#include "ParallelAttribute.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

using namespace clang;

namespace spice_rewrite {
namespace {

/// Finds the first read or write of a variable, outside lambda bodies and
/// unevaluated operands.
class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  explicit UseFinder(const VarDecl *Var) : Var(Var) {}

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
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
    if (DRE->getDecl() != Var || Found)
      return true;
    Found = DRE;
    IsWrite = Written.count(DRE) != 0;
    return false;
  }

  const DeclRefExpr *Found = nullptr;
  bool IsWrite = false;

private:
  const VarDecl *Var;
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
    chooseCaptures(Site);
  classify(PF);
  nameSpawns(PF);
  checkRaces(PF);
  checkGotos(PF);
}

void SpawnAnalysis::checkForbidden(ParallelFunction &PF) {
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

void SpawnAnalysis::checkDeclarations(ParallelFunction &PF) {
  for (SpawnSite &Site : PF.Spawns) {
    if (Site.S->getBeginLoc().isMacroID() || Site.S->getEndLoc().isMacroID())
      Diag.error(Site.Spawn->getBeginLoc(),
                 "cannot rewrite a spawn written inside a macro expansion");
    if (Site.Form != SpawnForm::Declaration)
      continue;
    const VarDecl *VD = Site.Var;
    if (isa<DecompositionDecl>(VD))
      Diag.error(VD->getLocation(),
                 "a structured binding cannot receive a spawned result; "
                 "declare one variable");
    else if (VD->getType()->isReferenceType())
      Diag.error(VD->getLocation(),
                 "a reference cannot receive a spawned result; declare a "
                 "variable of the result type");
    else if (!VD->hasLocalStorage())
      Diag.error(VD->getLocation(),
                 "a spawned result must go to a local variable with automatic "
                 "storage");
  }
  for (const SyncPoint &P : PF.Points)
    if (P.PointKind == SyncPoint::Sync &&
        (P.S->getBeginLoc().isMacroID() || P.S->getEndLoc().isMacroID()))
      Diag.error(P.S->getBeginLoc(),
                 "cannot rewrite a sync written inside a macro expansion");
}

void SpawnAnalysis::chooseCaptures(SpawnSite &Site) {
  const FunctionDecl *FD = Site.CalleeDecl;
  const FunctionProtoType *Proto = Site.CalleeProto;
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
  for (unsigned I = 0; I < Site.Args.size(); ++I) {
    SpawnArg &Arg = Site.Args[I];
    ValueCategory Cat = categoryOf(Arg.E);
    std::optional<QualType> Param = paramType(I);
    Arg.Mode = CaptureMode::ByValue;
    if (Param) {
      if (auto *PackT = (*Param)->getAs<PackExpansionType>())
        Param = PackT->getPattern();
      if ((*Param)->isReferenceType() && Cat == ValueCategory::LValue) {
        QualType Referee = (*Param)->getPointeeType();
        QualType ArgT = Arg.E->getType();
        bool Same = Referee->isDependentType() || ArgT->isDependentType() ||
                    Ctx.hasSameUnqualifiedType(Referee, ArgT);
        if (!Same)
          if (const CXXRecordDecl *To = Referee->getAsCXXRecordDecl())
            if (const CXXRecordDecl *From = ArgT->getAsCXXRecordDecl())
              Same = From->hasDefinition() && To->hasDefinition() &&
                     From->isDerivedFrom(To);
        if (Same)
          Arg.Mode = CaptureMode::ByReference;
      }
    } else if (Cat == ValueCategory::LValue && isClassLike(Arg.E->getType())) {
      Arg.Mode = CaptureMode::ByReference;
    }
  }
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
    // The group stores the result at a later sync: only into a variable
    // that is still alive then.
    const VarDecl *Var =
        Site.Form == SpawnForm::Declaration ? Site.Var : Site.DestVar;
    if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var))
      continue;
    auto It = PF.VarBlocks.find(Var);
    if (It == PF.VarBlocks.end()) {
      Site.KeepResult = false;
      continue;
    }
    const CompoundStmt *Block = It->second.first;
    if (Block == Body)
      continue;
    if (hasLaterSyncOrReturn(PF, Block, It->second.second)) {
      if (llvm::find(PF.GroupSyncBlocks, Block) == PF.GroupSyncBlocks.end())
        PF.GroupSyncBlocks.push_back(Block);
    } else {
      Site.KeepResult = false;
    }
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

void SpawnAnalysis::checkRaces(ParallelFunction &PF) {
  for (const SpawnSite &Site : PF.Spawns) {
    const VarDecl *Var =
        Site.Form == SpawnForm::Declaration ? Site.Var : Site.DestVar;
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
      UseFinder Finder(Var);
      Finder.TraverseStmt(const_cast<Stmt *>(Block->body_begin()[J]));
      if (!Finder.Found)
        continue;
      Diag.error(Finder.Found->getLocation(),
                 "%select{read of|write to}0 spawned result %1 before the "
                 "next spice::sync(): the spawned call may still be running")
          << Finder.IsWrite << Var << Finder.Found->getSourceRange();
      Diag.note(Site.Spawn->getBeginLoc(), "%0 is spawned here") << Var;
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
