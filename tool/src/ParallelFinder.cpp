//===- ParallelFinder.cpp - Locating parallel functions and their parts ---===//
#include "ParallelFinder.h"
#include "ParallelAttribute.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <optional>

using namespace clang;

namespace spice_rewrite {
namespace {

bool isRewritten(SourceLocation Loc, const RewriteScope &Scope) {
  return Scope.contains(Loc);
}

/// The declaration whose redeclarations decide where the parallel twin
/// lives: the template pattern for specializations and instantiations.
const FunctionDecl *patternOf(const FunctionDecl *FD) {
  if (const FunctionTemplateDecl *Primary = FD->getPrimaryTemplate())
    FD = Primary->getTemplatedDecl();
  if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
    FD = Pattern;
  if (const FunctionDecl *Member = FD->getInstantiatedFromMemberFunction())
    FD = Member;
  return FD;
}

bool isJumpFunction(const FunctionDecl *FD) {
  if (!FD->getIdentifier())
    return false;
  return llvm::StringSwitch<bool>(FD->getName())
      .Cases("setjmp", "_setjmp", "__sigsetjmp", "sigsetjmp", true)
      .Cases("longjmp", "_longjmp", "siglongjmp", "__longjmp_chk", true)
      .Default(false);
}

/// Strips what the compiler adds around an expression written as a whole
/// statement or initializer: cleanups, temporaries, implicit conversions,
/// parentheses.
const Expr *stripImplicit(const Expr *E) {
  while (true) {
    const Expr *Next = E->IgnoreUnlessSpelledInSource()->IgnoreParens();
    if (Next == E)
      return E;
    E = Next;
  }
}

/// Like stripImplicit, also looking through a cast to void.
const Expr *stripStatementExpr(const Expr *E) {
  E = stripImplicit(E);
  if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E))
    if (Cast->getType()->isVoidType())
      return stripImplicit(Cast->getSubExpr());
  return E;
}

const CallExpr *asSpiceCall(const Expr *E, SpiceCallKind Kind) {
  const auto *Call = dyn_cast<CallExpr>(E);
  if (Call && classifySpiceCall(Call) == Kind)
    return Call;
  return nullptr;
}

/// Whether values of type \p T can be called (the serial elision invokes a
/// single spawn argument of such a type).
bool isCallableType(QualType T) {
  T = T.getNonReferenceType();
  if (T->isDependentType() || T->isFunctionType() ||
      T->isFunctionPointerType() || T->isMemberFunctionPointerType())
    return true;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  // A class is callable only with an operator() of its own or of a base
  // (a std::vector result of a one-call form is not).
  auto HasCall = [](const CXXRecordDecl *C) {
    return llvm::any_of(C->methods(),
                        [](const CXXMethodDecl *M) {
                          return M->getOverloadedOperator() == OO_Call;
                        }) ||
           llvm::any_of(C->decls(), [](const Decl *D) {
             const auto *FTD = dyn_cast<FunctionTemplateDecl>(D);
             return FTD &&
                    FTD->getTemplatedDecl()->getOverloadedOperator() == OO_Call;
           });
  };
  if (HasCall(RD))
    return true;
  bool InBase = false;
  RD->forallBases([&](const CXXRecordDecl *Base) {
    InBase = InBase || HasCall(Base);
    return true;
  });
  return InBase;
}

/// Whether the serial elision's one-argument spawn (serial.h) invokes its
/// argument: the instantiated `spawn(F &&)` answers with its
/// `if constexpr (std::is_invocable_v<F>)`. Empty when not instantiated.
std::optional<bool> serialInvokesArgument(const CallExpr *Spawn,
                                          const ASTContext &Ctx) {
  const FunctionDecl *FD = Spawn->getDirectCallee();
  if (!FD || FD->getNumParams() != 1 || !FD->getBody())
    return std::nullopt;
  const auto *Body = dyn_cast<CompoundStmt>(FD->getBody());
  if (!Body)
    return std::nullopt;
  for (const Stmt *S : Body->body())
    if (const auto *If = dyn_cast<IfStmt>(S))
      if (If->isConstexpr() && If->getCond() &&
          !If->getCond()->isValueDependent()) {
        bool Value = false;
        if (If->getCond()->EvaluateAsBooleanCondition(Value, Ctx))
          return Value;
      }
  return std::nullopt;
}

struct FinderState {
  ASTContext &Ctx;
  const SourceManager &SM;
  const RewriteScope &Scope;
  FinderResult &Result;
  llvm::DenseSet<const CallExpr *> Claimed;
  std::vector<SourceRange> LambdaBodies;

  /// Records a header-declared parallel function used at \p Loc.
  void noteUse(const FunctionDecl *FD, SourceLocation Loc) {
    const FunctionDecl *P = patternOf(FD)->getCanonicalDecl();
    for (const FunctionDecl *R : P->redecls())
      if (isRewritten(R->getLocation(), Scope))
        return;
    if (isa<CXXMethodDecl>(P))
      return;
    Result.HeaderDeclared.insert({{Scope.fileOf(Loc), P}, Loc});
  }

  /// \p CE as a call of a parallel function that can call its parallel
  /// version, else nothing.
  std::optional<ParallelCall> parallelCall(const CallExpr *CE) {
    if (isa<CXXOperatorCallExpr>(CE))
      return std::nullopt;
    ParallelCall PC;
    PC.Call = CE;
    const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Callee)) {
      PC.Callee = dyn_cast<FunctionDecl>(DRE->getDecl());
      PC.NameLoc = DRE->getNameInfo().getLoc();
    } else if (const auto *ME = dyn_cast<MemberExpr>(Callee)) {
      PC.Callee = dyn_cast<FunctionDecl>(ME->getMemberDecl());
      PC.NameLoc = ME->getMemberLoc();
    } else if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(Callee)) {
      PC.Callee = singleParallelCandidate(ULE->decls());
      PC.NameLoc = ULE->getNameLoc();
    } else if (const auto *UME = dyn_cast<UnresolvedMemberExpr>(Callee)) {
      PC.Callee = singleParallelCandidate(UME->decls());
      PC.NameLoc = UME->getMemberLoc();
    }
    // An explicit 'x.operator()(...)' stays a call of the entry point.
    if (!PC.Callee || PC.Callee->isOverloadedOperator() ||
        !hasParallelVersion(PC.Callee, Scope))
      return std::nullopt;
    PC.CalleeEnd = Callee->getEndLoc();
    for (const Expr *Arg : CE->arguments())
      if (!isa<CXXDefaultArgExpr>(Arg))
        PC.HasArgs = true;
    noteUse(PC.Callee, CE->getBeginLoc());
    return PC;
  }

  /// The function behind an unresolved name when every candidate is parallel
  /// (then any choice of overload resolution has a parallel version).
  template <class Range>
  const FunctionDecl *singleParallelCandidate(Range Decls) {
    const FunctionDecl *Found = nullptr;
    for (const NamedDecl *D : Decls) {
      D = D->getUnderlyingDecl();
      if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
        D = FTD->getTemplatedDecl();
      const auto *FD = dyn_cast<FunctionDecl>(D);
      if (!FD || !hasParallelVersion(FD, Scope))
        return nullptr;
      if (!Found)
        Found = FD;
    }
    return Found;
  }
};

class BodyWalker;

/// Scans expressions inside a parallel body; lambda bodies and the members
/// of local classes are not part of the body (only lambda captures'
/// initializers are).
class ExprScanner : public RecursiveASTVisitor<ExprScanner> {
public:
  explicit ExprScanner(BodyWalker &W) : W(W) {}
  bool TraverseLambdaExpr(LambdaExpr *LE);
  bool TraverseBlockExpr(BlockExpr *) { return true; }
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitCallExpr(CallExpr *CE);
  bool VisitCoawaitExpr(CoawaitExpr *E);
  bool VisitDependentCoawaitExpr(DependentCoawaitExpr *E);
  bool VisitCoyieldExpr(CoyieldExpr *E);
  bool VisitAddrLabelExpr(AddrLabelExpr *E);

private:
  BodyWalker &W;
};

class BodyWalker {
public:
  BodyWalker(FinderState &State, ParallelFunction &PF) : State(State), PF(PF) {}

  void walkBody(const Stmt *Body) {
    if (const auto *Coro = dyn_cast<CoroutineBodyStmt>(Body)) {
      PF.CoroutineSites.push_back(Coro);
      Body = Coro->getBody();
    }
    walkStmt(Body, false);
  }

  void scan(const Stmt *S) {
    if (S)
      ExprScanner(*this).TraverseStmt(const_cast<Stmt *>(S));
  }

  void noteLambda(const LambdaExpr *LE) {
    State.LambdaBodies.push_back(LE->getBody()->getSourceRange());
  }
  void noteCoroutine(const Stmt *S) { PF.CoroutineSites.push_back(S); }
  void noteIndirectJump(const Stmt *S) { PF.Gotos.push_back({S, nullptr}); }

  void visitCall(const CallExpr *CE) {
    if (classifySpiceCall(CE) != SpiceCallKind::None) {
      State.Claimed.insert(CE);
      PF.Misplaced.push_back(CE);
      return;
    }
    const FunctionDecl *Direct = CE->getDirectCallee();
    if (Direct && isJumpFunction(Direct)) {
      PF.JumpCalls.push_back(CE);
      return;
    }
    if (std::optional<ParallelCall> PC = State.parallelCall(CE))
      PF.Calls.push_back(*PC);
  }

private:
  template <class Range> const FunctionDecl *soleCandidate(Range Decls) {
    const FunctionDecl *Found = nullptr;
    for (const NamedDecl *D : Decls) {
      D = D->getUnderlyingDecl();
      if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
        D = FTD->getTemplatedDecl();
      const auto *FD = dyn_cast<FunctionDecl>(D);
      if (!FD || (Found && Found->getCanonicalDecl() != FD->getCanonicalDecl()))
        return nullptr;
      Found = FD;
    }
    return Found;
  }

  void pushFrame(Frame::Kind K) { Frames.push_back({K, nullptr, 0}); }

  void walkStmt(const Stmt *S, bool InBlock) {
    if (!S)
      return;
    if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
      PF.Blocks.push_back(CS);
      Frames.push_back({Frame::Block, CS, 0});
      unsigned I = 0;
      for (const Stmt *Child : CS->body()) {
        Frames.back().Index = I++;
        if (const auto *DS = dyn_cast<DeclStmt>(Child))
          for (const Decl *D : DS->decls())
            if (const auto *VD = dyn_cast<VarDecl>(D))
              PF.VarBlocks[VD] = {CS, Frames.back().Index};
        walkStmt(Child, true);
      }
      Frames.pop_back();
      return;
    }
    if (const auto *E = dyn_cast<Expr>(S)) {
      walkExprStmt(S, E, InBlock);
      return;
    }
    switch (S->getStmtClass()) {
    case Stmt::DeclStmtClass:
      walkDeclStmt(cast<DeclStmt>(S), InBlock);
      return;
    case Stmt::IfStmtClass: {
      const auto *If = cast<IfStmt>(S);
      scan(If->getInit());
      scan(If->getConditionVariableDeclStmt());
      if (!If->getConditionVariableDeclStmt())
        scan(If->getCond());
      walkStmt(If->getThen(), false);
      walkStmt(If->getElse(), false);
      return;
    }
    case Stmt::ForStmtClass: {
      const auto *For = cast<ForStmt>(S);
      scan(For->getInit());
      scan(For->getConditionVariableDeclStmt());
      if (!For->getConditionVariableDeclStmt())
        scan(For->getCond());
      scan(For->getInc());
      walkLoopBody(For->getBody());
      return;
    }
    case Stmt::WhileStmtClass: {
      const auto *While = cast<WhileStmt>(S);
      scan(While->getConditionVariableDeclStmt());
      if (!While->getConditionVariableDeclStmt())
        scan(While->getCond());
      walkLoopBody(While->getBody());
      return;
    }
    case Stmt::DoStmtClass: {
      const auto *Do = cast<DoStmt>(S);
      walkLoopBody(Do->getBody());
      scan(Do->getCond());
      return;
    }
    case Stmt::CXXForRangeStmtClass: {
      const auto *For = cast<CXXForRangeStmt>(S);
      scan(For->getInit());
      scan(For->getRangeInit());
      // The loop variable lives in the body; a reference one names an
      // element of the range.
      if (const auto *Body = dyn_cast<CompoundStmt>(For->getBody()))
        PF.VarBlocks[For->getLoopVariable()] = {Body, 0};
      PF.RangeInits[For->getLoopVariable()] = For->getRangeInit();
      walkLoopBody(For->getBody());
      return;
    }
    case Stmt::SwitchStmtClass: {
      const auto *Switch = cast<SwitchStmt>(S);
      scan(Switch->getInit());
      scan(Switch->getConditionVariableDeclStmt());
      if (!Switch->getConditionVariableDeclStmt())
        scan(Switch->getCond());
      pushFrame(Frame::Switch);
      walkStmt(Switch->getBody(), false);
      Frames.pop_back();
      return;
    }
    case Stmt::CaseStmtClass:
      walkStmt(cast<CaseStmt>(S)->getSubStmt(), false);
      return;
    case Stmt::DefaultStmtClass:
      walkStmt(cast<DefaultStmt>(S)->getSubStmt(), false);
      return;
    case Stmt::LabelStmtClass:
      PF.Labels.push_back(cast<LabelStmt>(S));
      walkStmt(cast<LabelStmt>(S)->getSubStmt(), false);
      return;
    case Stmt::AttributedStmtClass:
      walkStmt(cast<AttributedStmt>(S)->getSubStmt(), InBlock);
      return;
    case Stmt::CXXTryStmtClass: {
      const auto *Try = cast<CXXTryStmt>(S);
      walkStmt(Try->getTryBlock(), false);
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I) {
        const CXXCatchStmt *Handler = Try->getHandler(I);
        PF.Catches.push_back(Handler);
        walkStmt(Handler->getHandlerBlock(), false);
      }
      return;
    }
    case Stmt::ReturnStmtClass:
      addPoint(SyncPoint::Return, S, InBlock);
      scan(cast<ReturnStmt>(S)->getRetValue());
      return;
    case Stmt::BreakStmtClass:
      addPoint(SyncPoint::Break, S, InBlock);
      return;
    case Stmt::ContinueStmtClass:
      addPoint(SyncPoint::Continue, S, InBlock);
      return;
    case Stmt::GotoStmtClass:
      PF.Gotos.push_back({S, cast<GotoStmt>(S)->getLabel()});
      return;
    case Stmt::IndirectGotoStmtClass:
      PF.Gotos.push_back({S, nullptr});
      scan(cast<IndirectGotoStmt>(S)->getTarget());
      return;
    case Stmt::CoreturnStmtClass:
      PF.CoroutineSites.push_back(S);
      scan(cast<CoreturnStmt>(S)->getOperand());
      return;
    case Stmt::NullStmtClass:
      return;
    default:
      for (const Stmt *Child : S->children()) {
        if (!Child)
          continue;
        if (isa<Expr>(Child))
          scan(Child);
        else
          walkStmt(Child, false);
      }
      return;
    }
  }

  void walkLoopBody(const Stmt *Body) {
    pushFrame(Frame::Loop);
    walkStmt(Body, false);
    Frames.pop_back();
  }

  void addPoint(SyncPoint::Kind K, const Stmt *S, bool InBlock) {
    SyncPoint P;
    P.PointKind = K;
    P.S = S;
    P.Frames = Frames;
    P.InBlock = InBlock;
    PF.Points.push_back(std::move(P));
  }

  /// The initializer of \p VD as written, seen through braces around a
  /// single value (`long a{spice::spawn(f, x)};`).
  static const Expr *initializerOf(const VarDecl *VD) {
    const Expr *Init = VD->getInit();
    if (!Init)
      return nullptr;
    Init = stripImplicit(Init);
    if (VD->getInitStyle() != VarDecl::ListInit)
      return Init;
    if (const auto *List = dyn_cast<InitListExpr>(Init)) {
      // A scalar, or a class from one value of its own type (which C++17
      // initializes from it directly), not an aggregate's first member.
      if (List->getNumInits() != 1 || List->getType()->isArrayType())
        return Init;
      const Expr *Only = List->getInit(0);
      if (!List->getType()->isRecordType() ||
          VD->getASTContext().hasSameUnqualifiedType(List->getType(),
                                                     Only->getType()))
        return stripImplicit(Only);
    } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Init)) {
      // A class from one value of its own type: the copy or move that
      // C++17 elides in every other form of the declaration.
      if (Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isCopyOrMoveConstructor())
        return stripImplicit(Construct->getArg(0));
    }
    return Init;
  }

  void walkDeclStmt(const DeclStmt *DS, bool InBlock) {
    if (DS->isSingleDecl())
      if (const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl()))
        if (const Expr *Init = initializerOf(VD))
          if (const CallExpr *Spawn = asSpiceCall(Init, SpiceCallKind::Spawn)) {
            SpawnSite Site;
            Site.Form = SpawnForm::Declaration;
            Site.Var = VD;
            addSpawn(Site, DS, Spawn, InBlock);
            return;
          }
    scan(DS);
  }

  void walkExprStmt(const Stmt *S, const Expr *E, bool InBlock) {
    const Expr *Core = stripStatementExpr(E);
    if (const CallExpr *Sync = asSpiceCall(Core, SpiceCallKind::Sync)) {
      State.Claimed.insert(Sync);
      addPoint(SyncPoint::Sync, S, InBlock);
      for (const Expr *Arg : Sync->arguments())
        scan(Arg);
      return;
    }
    if (const CallExpr *Spawn = asSpiceCall(Core, SpiceCallKind::Spawn)) {
      SpawnSite Site;
      Site.Form = SpawnForm::Statement;
      addSpawn(Site, S, Spawn, InBlock);
      return;
    }
    const Expr *LHS = nullptr, *RHS = nullptr;
    if (const auto *BO = dyn_cast<BinaryOperator>(Core)) {
      if (BO->getOpcode() == BO_Assign) {
        LHS = BO->getLHS();
        RHS = BO->getRHS();
      }
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Core)) {
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
        LHS = Op->getArg(0);
        RHS = Op->getArg(1);
      }
    }
    if (RHS)
      if (const CallExpr *Spawn =
              asSpiceCall(stripImplicit(RHS), SpiceCallKind::Spawn)) {
        SpawnSite Site;
        Site.Form = SpawnForm::Assignment;
        Site.Dest = LHS;
        if (const auto *DRE = dyn_cast<DeclRefExpr>(LHS->IgnoreParens()))
          Site.DestVar = dyn_cast<VarDecl>(DRE->getDecl());
        scan(LHS);
        addSpawn(Site, S, Spawn, InBlock);
        return;
      }
    scan(E);
  }

  void addSpawn(SpawnSite &Site, const Stmt *S, const CallExpr *Spawn,
                bool InBlock) {
    State.Claimed.insert(Spawn);
    Site.S = S;
    Site.Spawn = Spawn;
    Site.Frames = Frames;
    Site.InBlock = InBlock;
    recognizeCallee(Site);
    // A function object is called through its parallel operator(); other
    // callables (lambdas, pointers) through what they are.
    bool Callable = Site.Callee == CalleeKind::Callable &&
                    !(Site.CalleeDecl &&
                      Site.CalleeDecl->getOverloadedOperator() == OO_Call &&
                      Site.CalleeExpr && !isa<LambdaExpr>(Site.CalleeExpr));
    if (Site.CalleeDecl && !Callable &&
        (Site.Callee == CalleeKind::Callable ||
         !Site.CalleeDecl->isOverloadedOperator()) &&
        hasParallelVersion(Site.CalleeDecl, State.Scope)) {
      Site.CallsParallel = true;
      State.noteUse(Site.CalleeDecl, S->getBeginLoc());
    }
    PF.Spawns.push_back(std::move(Site));
  }

  void bad(SpawnSite &Site, const Expr *At, std::string Why) {
    PF.BadSpawns.push_back({At, std::move(Why)});
    Site.Callee = CalleeKind::Callable;
    Site.CalleeExpr = nullptr;
  }

  void addArgs(SpawnSite &Site, llvm::ArrayRef<const Expr *> Args) {
    for (const Expr *Arg : Args) {
      if (isa<CXXDefaultArgExpr>(Arg))
        continue;
      if (isa<PackExpansionExpr>(Arg)) {
        bad(Site, Arg,
            "a pack expansion cannot be a spawn argument in C++17; spawn a "
            "lambda that makes the call");
        continue;
      }
      scan(Arg);
      Site.Args.push_back({Arg, CaptureMode::ByValue});
    }
  }

  /// The function a name refers to, for its parameters and parallel version.
  const FunctionDecl *functionNamed(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<FunctionDecl>(DRE->getDecl());
    if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(E))
      return soleCandidate(ULE->decls());
    return nullptr;
  }

  bool namesFunction(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return (isa<FunctionDecl>(DRE->getDecl()) &&
              !isa<CXXMethodDecl>(DRE->getDecl())) ||
             (isa<CXXMethodDecl>(DRE->getDecl()) &&
              cast<CXXMethodDecl>(DRE->getDecl())->isStatic());
    if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(E)) {
      for (const NamedDecl *D : ULE->decls()) {
        D = D->getUnderlyingDecl();
        if (!isa<FunctionDecl>(D) && !isa<FunctionTemplateDecl>(D))
          return false;
      }
      return !namesMethod(ULE);
    }
    return false;
  }

  /// `Class::f<U>` in a template, naming a non-static member function (its
  /// address is a pointer to member, called with an object).
  static bool namesMethod(const UnresolvedLookupExpr *ULE) {
    for (const NamedDecl *D : ULE->decls()) {
      D = D->getUnderlyingDecl();
      if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
        D = FTD->getTemplatedDecl();
      if (const auto *MD = dyn_cast<CXXMethodDecl>(D))
        if (!MD->isStatic())
          return true;
    }
    return false;
  }

  void recognizeCallee(SpawnSite &Site) {
    const CallExpr *Spawn = Site.Spawn;
    std::vector<const Expr *> Args(Spawn->arg_begin(), Spawn->arg_end());
    if (Args.empty()) {
      bad(Site, Spawn, "spice::spawn needs a function and its arguments");
      return;
    }
    const Expr *First = stripImplicit(Args[0]);
    if (Args.size() == 1) {
      const auto *Inner = dyn_cast<CallExpr>(First);
      // One call whose result the serial elision does not invoke means
      // spawn(f, args...): f runs in the spawned call, not at the spawn.
      std::optional<bool> Invokes = serialInvokesArgument(Spawn, State.Ctx);
      if (Inner && classifySpiceCall(Inner) == SpiceCallKind::None &&
          (Invokes ? !*Invokes
                   : Inner->getType()->isDependentType() ||
                         !isCallableType(Inner->getType()))) {
        recognizeOneCall(Site, Inner);
        return;
      }
      if (!isCallableType(First->getType())) {
        bad(Site, Args[0],
            "the argument of a one-argument spice::spawn must be a call "
            "f(args...) or a callable");
        return;
      }
    }
    const Expr *CalleeCore = First;
    if (const auto *UO = dyn_cast<UnaryOperator>(First))
      if (UO->getOpcode() == UO_AddrOf)
        CalleeCore = UO->getSubExpr()->IgnoreParens();
    std::vector<const Expr *> Rest(Args.begin() + 1, Args.end());

    if (namesFunction(CalleeCore)) {
      Site.Callee = CalleeKind::Function;
      Site.CalleeExpr = CalleeCore;
      Site.CalleeDecl = functionNamed(CalleeCore);
      addArgs(Site, Rest);
      return;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(CalleeCore);
    const auto *ULE = dyn_cast<UnresolvedLookupExpr>(CalleeCore);
    bool MemberPointer =
        (CalleeCore != First && DRE && isa<CXXMethodDecl>(DRE->getDecl())) ||
        (CalleeCore != First && ULE && namesMethod(ULE)) ||
        First->getType()->isMemberPointerType();
    if (MemberPointer) {
      if (Rest.empty()) {
        bad(Site, Args[0],
            "spawning a pointer to member function needs the object next");
        return;
      }
      Site.Callee = CalleeKind::MemberPointer;
      Site.CalleeExpr = First;
      if (CalleeCore != First && DRE)
        Site.CalleeDecl = cast<CXXMethodDecl>(DRE->getDecl());
      else if (CalleeCore != First && ULE)
        Site.CalleeDecl = functionNamed(ULE);
      else
        scan(First);
      Site.Object = Rest.front();
      scan(Site.Object);
      Site.ObjectIsPointer =
          Site.Object->getType().getNonReferenceType()->isPointerType();
      addArgs(Site, llvm::ArrayRef<const Expr *>(Rest).drop_front());
      return;
    }
    Site.Callee = CalleeKind::Callable;
    Site.CalleeExpr = First;
    scan(First);
    QualType T = First->getType().getNonReferenceType();
    if (const auto *PT = T->getAs<PointerType>())
      T = PT->getPointeeType();
    if (const auto *Proto = T->getAs<FunctionProtoType>())
      Site.CalleeProto = Proto;
    else
      Site.CalleeDecl = callOperatorFor(T, Rest, State.Ctx);
    addArgs(Site, Rest);
  }

  void recognizeOneCall(SpawnSite &Site, const CallExpr *Inner) {
    std::vector<const Expr *> Args(Inner->arg_begin(), Inner->arg_end());
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Inner)) {
      if (Op->getOperator() != OO_Call) {
        bad(Site, Inner,
            "the argument of a one-argument spice::spawn must be a call "
            "f(args...), not an operator expression");
        return;
      }
      Site.Callee = CalleeKind::Callable;
      Site.CalleeExpr = Args.front();
      Site.CalleeDecl = Op->getDirectCallee();
      scan(Args.front());
      addArgs(Site, llvm::ArrayRef<const Expr *>(Args).drop_front());
      return;
    }
    const Expr *Callee = Inner->getCallee()->IgnoreParenImpCasts();
    if (namesFunction(Callee)) {
      Site.Callee = CalleeKind::Function;
      Site.CalleeExpr = Callee;
      Site.CalleeDecl = functionNamed(Callee);
      addArgs(Site, Args);
      return;
    }
    const Expr *Base = nullptr;
    bool Arrow = false, Implicit = false;
    const FunctionDecl *Method = nullptr;
    if (const auto *ME = dyn_cast<MemberExpr>(Callee)) {
      Base = ME->getBase();
      Arrow = ME->isArrow();
      Implicit = ME->isImplicitAccess();
      Method = dyn_cast<FunctionDecl>(ME->getMemberDecl());
    } else if (const auto *UME = dyn_cast<UnresolvedMemberExpr>(Callee)) {
      Implicit = UME->isImplicitAccess();
      Base = Implicit ? nullptr : UME->getBase();
      Arrow = UME->isArrow();
      Method = soleCandidate(UME->decls());
    } else if (const auto *DME =
                   dyn_cast<CXXDependentScopeMemberExpr>(Callee)) {
      Implicit = DME->isImplicitAccess();
      Base = Implicit ? nullptr : DME->getBase();
      Arrow = DME->isArrow();
    } else if (const auto *BO = dyn_cast<BinaryOperator>(Callee);
               BO && BO->isPtrMemOp()) {
      bad(Site, Inner,
          "write a call through a pointer to member as "
          "spice::spawn(pointer, object, args...)");
      return;
    } else {
      // A call through a function pointer or reference.
      Site.Callee = CalleeKind::Callable;
      Site.CalleeExpr = Callee;
      if (const auto *PT = Callee->getType()->getAs<PointerType>())
        Site.CalleeProto = PT->getPointeeType()->getAs<FunctionProtoType>();
      scan(Callee);
      addArgs(Site, Args);
      return;
    }
    Site.Callee = CalleeKind::MemberCall;
    Site.CalleeExpr = Callee;
    Site.CalleeDecl = Method;
    if (Implicit ||
        (Base && isa<CXXThisExpr>(Base->IgnoreParenImpCasts()) &&
         cast<CXXThisExpr>(Base->IgnoreParenImpCasts())->isImplicit())) {
      Site.Object = nullptr;
    } else {
      Site.Object = Base;
      Site.ObjectIsPointer = Arrow;
      scan(Base);
    }
    addArgs(Site, Args);
  }

  FinderState &State;
  ParallelFunction &PF;
  FrameStack Frames;
};

bool ExprScanner::TraverseLambdaExpr(LambdaExpr *LE) {
  W.noteLambda(LE);
  for (Expr *Init : LE->capture_inits())
    if (Init)
      TraverseStmt(Init);
  return true;
}
bool ExprScanner::VisitCallExpr(CallExpr *CE) {
  W.visitCall(CE);
  return true;
}
bool ExprScanner::VisitCoawaitExpr(CoawaitExpr *E) {
  W.noteCoroutine(E);
  return true;
}
bool ExprScanner::VisitDependentCoawaitExpr(DependentCoawaitExpr *E) {
  W.noteCoroutine(E);
  return true;
}
bool ExprScanner::VisitCoyieldExpr(CoyieldExpr *E) {
  W.noteCoroutine(E);
  return true;
}
bool ExprScanner::VisitAddrLabelExpr(AddrLabelExpr *E) {
  W.noteIndirectJump(E);
  return true;
}

/// Visits the rewritten files' declarations (not template instantiations).
class MainFileVisitor : public RecursiveASTVisitor<MainFileVisitor> {
public:
  explicit MainFileVisitor(FinderState &State) : State(State) {}

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    // Skip the declarations of files that are not rewritten quickly.
    if (!isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        !isRewritten(D->getLocation(), State.Scope))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!isParallelFunction(FD) || FD->isImplicit())
      return true;
    if (FD->getTemplateSpecializationKind() == TSK_ImplicitInstantiation ||
        FD->isTemplateInstantiation())
      return true;
    if (!FD->doesThisDeclarationHaveABody()) {
      if (FD->getFriendObjectKind() == Decl::FOK_None)
        State.Result.Declarations.push_back(FD);
      return true;
    }
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
      if (!isRewritten(MD->getParent()->getLocation(), State.Scope)) {
        State.Result.ForeignMembers.push_back(
            {FD, State.Scope.whyNot(MD->getParent()->getLocation())});
        // Claim its spawns and syncs: they are not outside a parallel
        // function, the function is what cannot be rewritten.
        ParallelFunction Unused;
        Unused.FD = FD;
        BodyWalker(State, Unused).walkBody(FD->getBody());
        return true;
      }
    auto PF = std::make_unique<ParallelFunction>();
    PF->FD = FD;
    BodyWalker(State, *PF).walkBody(FD->getBody());
    State.Result.Functions.push_back(std::move(PF));
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (classifySpiceCall(CE) != SpiceCallKind::None)
      SpiceCalls.push_back(CE);
    return true;
  }

  std::vector<const CallExpr *> SpiceCalls;

private:
  FinderState &State;
};

/// Finds the calls of spice::parallel_for / parallel_reduce in the rewritten
/// files and tells parallel code (where spice_task is in scope) from ordinary
/// code: a parallel function's body is parallel, a lambda written as a loop
/// body is parallel, every other function or lambda body is ordinary. In
/// loop bodies it also records calls of parallel functions (fast form) and
/// spawn/sync calls (errors).
class LoopFinder : public RecursiveASTVisitor<LoopFinder> {
public:
  explicit LoopFinder(FinderState &State) : State(State) {
    for (const auto &PF : State.Result.Functions) {
      const Stmt *Body = PF->FD->getBody();
      // spice_task lives in the try block of a function-try-block.
      if (const auto *Try = dyn_cast_or_null<CXXTryStmt>(Body))
        Body = Try->getTryBlock();
      ParallelBodies.insert(Body);
    }
  }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        !isRewritten(D->getLocation(), State.Scope))
      return true;
    if (!isa<FunctionDecl>(D))
      return RecursiveASTVisitor::TraverseDecl(D);
    Contexts.push_back({Ordinary, nullptr});
    bool Result = RecursiveASTVisitor::TraverseDecl(D);
    Contexts.pop_back();
    return Result;
  }

  // Without a queue parameter: every statement is traversed here, in order,
  // so the context stack matches the nesting.
  bool TraverseStmt(Stmt *S) {
    if (!S || !ParallelBodies.count(S))
      return RecursiveASTVisitor::TraverseStmt(S);
    Contexts.push_back({Parallel, nullptr});
    bool Result = RecursiveASTVisitor::TraverseStmt(S);
    Contexts.pop_back();
    return Result;
  }

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // Captures are initialized where the lambda is written.
    for (Expr *Init : LE->capture_inits())
      if (Init && !TraverseStmt(Init))
        return false;
    auto Loop = BodyOf.find(LE);
    if (Loop != BodyOf.end())
      Contexts.push_back({LoopBody, Loop->second});
    else
      Contexts.push_back({Ordinary, nullptr});
    bool Result = TraverseStmt(LE->getBody());
    Contexts.pop_back();
    return Result;
  }

  bool TraverseBlockExpr(BlockExpr *) { return true; }

  bool VisitCallExpr(CallExpr *CE) {
    Kind Here = Contexts.empty() ? Ordinary : Contexts.back().K;
    if (LoopKind K = classifyLoopCall(CE); K != LoopKind::None) {
      LoopCall L;
      L.Call = CE;
      L.Reduce = K == LoopKind::Reduce;
      L.InParallel = Here != Ordinary;
      L.Callee = CE->getCallee()->IgnoreParenImpCasts();
      unsigned BodyIndex = L.Reduce ? 3 : 2;
      if (CE->getNumArgs() > BodyIndex)
        if (const auto *LE =
                dyn_cast<LambdaExpr>(stripImplicit(CE->getArg(BodyIndex)))) {
          L.Body = LE;
          BodyOf[LE] = CE;
        }
      State.Result.Loops.push_back(L);
      return true;
    }
    if (Here != LoopBody)
      return true;
    if (classifySpiceCall(CE) != SpiceCallKind::None) {
      State.Claimed.insert(CE);
      State.Result.LoopMisuses.push_back({CE, Contexts.back().Loop});
      return true;
    }
    if (std::optional<ParallelCall> PC = State.parallelCall(CE))
      State.Result.LoopBodyCalls.push_back(*PC);
    return true;
  }

private:
  enum Kind { Ordinary, Parallel, LoopBody };
  struct Context {
    Kind K;
    const CallExpr *Loop; ///< LoopBody: the loop whose body this is
  };

  FinderState &State;
  llvm::DenseSet<const Stmt *> ParallelBodies;
  llvm::DenseMap<const LambdaExpr *, const CallExpr *> BodyOf;
  std::vector<Context> Contexts;
};

} // namespace

namespace {
/// Whether a specialization of a generic operator() is the one the serial
/// call with \p Args instantiated: its deduced parameters are the
/// arguments' types, and references fit the value categories.
bool fitsArguments(const FunctionDecl *Spec, const FunctionDecl *Pattern,
                   llvm::ArrayRef<const Expr *> Args, const ASTContext &Ctx) {
  if (Spec->getNumParams() != Args.size())
    return false;
  bool SameShape = Pattern->getNumParams() == Args.size();
  for (unsigned I = 0; I < Args.size(); ++I) {
    if (SameShape && !Pattern->getParamDecl(I)->getType()->isDependentType())
      continue; // not deduced: converts
    QualType P = Spec->getParamDecl(I)->getType();
    QualType A = Args[I]->getType();
    if (!P->isReferenceType() && (A->isArrayType() || A->isFunctionType()))
      A = Ctx.getDecayedType(A);
    if (!Ctx.hasSameUnqualifiedType(P.getNonReferenceType(), A))
      return false;
    bool LValue = Args[I]->isLValue();
    if (P->isRValueReferenceType() && LValue)
      return false;
    if (P->isLValueReferenceType() && !LValue &&
        !P.getNonReferenceType().isConstQualified())
      return false;
  }
  return true;
}
} // namespace

const FunctionDecl *callOperatorFor(QualType T,
                                    llvm::ArrayRef<const Expr *> Args,
                                    const ASTContext &Ctx) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return nullptr;
  auto Found = RD->lookup(Ctx.DeclarationNames.getCXXOperatorName(OO_Call));
  if (!Found.isSingleResult())
    return nullptr;
  if (const auto *FD = dyn_cast<FunctionDecl>(Found.front()))
    return FD;
  const auto *FTD = dyn_cast<FunctionTemplateDecl>(Found.front());
  if (!FTD)
    return nullptr;
  const FunctionDecl *Match = nullptr;
  for (const FunctionDecl *Spec : FTD->specializations()) {
    if (!fitsArguments(Spec, FTD->getTemplatedDecl(), Args, Ctx))
      continue;
    if (Match)
      return nullptr; // several fit: unknown
    Match = Spec;
  }
  return Match;
}

bool hasParallelVersion(const FunctionDecl *FD, const RewriteScope &Scope) {
  if (!isParallelFunction(FD))
    return false;
  const FunctionDecl *P = patternOf(FD);
  if (const FunctionDecl *Def = P->getDefinition())
    return isRewritten(Def->getLocation(), Scope);
  if (const FunctionTemplateDecl *FTD = P->getDescribedFunctionTemplate())
    for (const RedeclarableTemplateDecl *R : FTD->redecls())
      if (cast<FunctionTemplateDecl>(R)
              ->getTemplatedDecl()
              ->doesThisDeclarationHaveABody())
        return isRewritten(R->getLocation(), Scope);
  if (const auto *MD = dyn_cast<CXXMethodDecl>(P))
    return isRewritten(MD->getParent()->getLocation(), Scope);
  if (P->isExternC() || P->isInAnonymousNamespace())
    return false;
  return true;
}

FinderResult findParallelCode(ASTContext &Ctx, const RewriteScope &Scope) {
  FinderResult Result;
  FinderState State{Ctx, Ctx.getSourceManager(), Scope, Result, {}, {}};
  MainFileVisitor Visitor(State);
  Visitor.TraverseDecl(Ctx.getTranslationUnitDecl());
  LoopFinder(State).TraverseDecl(Ctx.getTranslationUnitDecl());
  const SourceManager &SM = Ctx.getSourceManager();
  for (const CallExpr *CE : Visitor.SpiceCalls) {
    if (State.Claimed.count(CE))
      continue;
    SourceLocation Loc = SM.getExpansionLoc(CE->getBeginLoc());
    bool InLambda = false;
    for (SourceRange R : State.LambdaBodies)
      if (!SM.isBeforeInTranslationUnit(Loc,
                                        SM.getExpansionLoc(R.getBegin())) &&
          !SM.isBeforeInTranslationUnit(SM.getExpansionLoc(R.getEnd()), Loc))
        InLambda = true;
    Result.Outside.push_back({CE, InLambda});
  }
  return Result;
}

} // namespace spice_rewrite
