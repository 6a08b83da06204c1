//===- ThrowAnalysis.cpp - Can this code throw?
//----------------------------===//

#include "ThrowAnalysis.h"
#include "ParallelAttribute.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace spice_rewrite {

namespace {

/// The exception specification (or a nothrow attribute) says no exception
/// leaves a call of \p FD.
bool specNothrow(const FunctionDecl *FD) {
  if (FD->hasAttr<NoThrowAttr>())
    return true;
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  if (!FPT || isUnresolvedExceptionSpec(FPT->getExceptionSpecType()))
    return false;
  return FPT->canThrow() == CT_Cannot;
}

/// Same for a call through a value of type \p T (function pointer,
/// reference, member pointer).
bool typeNothrow(QualType T) {
  if (const auto *MPT = T->getAs<MemberPointerType>())
    T = MPT->getPointeeType();
  else if (T->isPointerType() || T->isReferenceType())
    T = T->getPointeeType();
  const auto *FPT = T->getAs<FunctionProtoType>();
  if (!FPT || isUnresolvedExceptionSpec(FPT->getExceptionSpecType()))
    return false;
  return FPT->canThrow() == CT_Cannot;
}

/// A virtual call that may reach an override (not qualified, not final).
bool dispatchesVirtually(const CXXMemberCallExpr *Call) {
  const CXXMethodDecl *MD = Call->getMethodDecl();
  if (!MD || !MD->isVirtual())
    return false;
  if (MD->hasAttr<FinalAttr>() || MD->getParent()->hasAttr<FinalAttr>())
    return false;
  if (const auto *ME = dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens()))
    return !ME->hasQualifier();
  return true;
}

} // namespace

void ThrowAnalysis::trustParallel(const FunctionDecl *FD) {
  Trusted.insert(FD->getCanonicalDecl());
}

void ThrowAnalysis::addCallee(const FunctionDecl *FD, Summary &Out) {
  if (!FD) {
    Out.Direct = true;
    return;
  }
  if (isParallelFunction(FD)) {
    const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern();
    if (!Trusted.count((Pattern ? Pattern : FD)->getCanonicalDecl())) {
      Out.Direct = true;
      return;
    }
  }
  if (specNothrow(FD) || FD->isTrivial())
    return;
  Out.Callees.push_back(FD->getCanonicalDecl());
}

void ThrowAnalysis::addDestructor(QualType T, Summary &Out) {
  const auto *RD = Ctx.getBaseElementType(T)->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || RD->hasTrivialDestructor())
    return;
  if (const CXXDestructorDecl *D = RD->getDestructor())
    addCallee(D, Out);
  else
    Out.Direct = true;
}

void ThrowAnalysis::summarize(const Stmt *S, Summary &Out) {
  if (!S || Out.Direct)
    return;
  if (const auto *E = dyn_cast<Expr>(S))
    if (E->isInstantiationDependent()) {
      Out.Direct = true; // one text for every instantiation: assume the worst
      return;
    }

  if (isa<CXXThrowExpr>(S) || isa<CXXTryStmt>(S) || isa<CoroutineBodyStmt>(S) ||
      isa<CoreturnStmt>(S) || isa<CoroutineSuspendExpr>(S) ||
      isa<DependentCoawaitExpr>(S)) {
    Out.Direct = true;
    return;
  }
  // Not evaluated here: a lambda's body runs when it is called (the call is
  // followed like any other), sizeof and noexcept operands never run.
  if (const auto *L = dyn_cast<LambdaExpr>(S)) {
    for (const Expr *Init : L->capture_inits())
      summarize(Init, Out);
    return;
  }
  if (isa<UnaryExprOrTypeTraitExpr>(S) || isa<CXXNoexceptExpr>(S) ||
      isa<BlockExpr>(S))
    return;
  if (const auto *T = dyn_cast<CXXTypeidExpr>(S)) {
    if (T->isPotentiallyEvaluated())
      Out.Direct = true;
    return;
  }
  if (const auto *D = dyn_cast<CXXDefaultArgExpr>(S)) {
    summarize(D->getExpr(), Out);
    return;
  }
  if (const auto *D = dyn_cast<CXXDefaultInitExpr>(S)) {
    summarize(D->getExpr(), Out);
    return;
  }
  if (const auto *DC = dyn_cast<CXXDynamicCastExpr>(S)) {
    if (DC->getTypeAsWritten()->isReferenceType())
      Out.Direct = true; // std::bad_cast
  } else if (const auto *N = dyn_cast<CXXNewExpr>(S)) {
    if (!N->getOperatorNew() || !specNothrow(N->getOperatorNew()))
      Out.Direct = true; // std::bad_alloc
  } else if (const auto *D = dyn_cast<CXXDeleteExpr>(S)) {
    addDestructor(D->getDestroyedType(), Out);
    if (D->getOperatorDelete())
      addCallee(D->getOperatorDelete(), Out);
  } else if (const auto *C = dyn_cast<CXXConstructExpr>(S)) {
    addCallee(C->getConstructor(), Out);
  } else if (const auto *I = dyn_cast<CXXInheritedCtorInitExpr>(S)) {
    addCallee(I->getConstructor(), Out);
  } else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(S)) {
    addCallee(B->getTemporary()->getDestructor(), Out);
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (VD->hasLocalStorage())
          addDestructor(VD->getType(), Out);
  } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
    switch (classifySpiceCall(Call)) {
    case SpiceCallKind::Sync:
      return;
    case SpiceCallKind::Spawn: {
      // The spawned call runs at the join (or on another worker, whose
      // exception the join rethrows): a call of the callee. Arguments of
      // class type are copied into the spawn's record.
      for (const Expr *Arg : Call->arguments()) {
        summarize(Arg, Out);
        QualType T = Arg->getType();
        if (T->isRecordType() && !T.isTriviallyCopyableType(Ctx))
          Out.Direct = true;
      }
      if (Call->getNumArgs() == 0) {
        Out.Direct = true;
        return;
      }
      const Expr *Callee = Call->getArg(0)->IgnoreParenImpCasts();
      if (const auto *U = dyn_cast<UnaryOperator>(Callee))
        if (U->getOpcode() == UO_AddrOf)
          Callee = U->getSubExpr()->IgnoreParenImpCasts();
      if (isa<CallExpr>(Callee))
        return; // one-call form spawn(f(args)): the call was summarized
      const auto *DRE = dyn_cast<DeclRefExpr>(Callee);
      addCallee(DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr, Out);
      return;
    }
    case SpiceCallKind::None:
      break;
    }
    if (classifyLoopCall(Call) != LoopKind::None) {
      Out.Direct = true; // parallel loops allocate their pieces
      return;
    }
    const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
    if (Member && dispatchesVirtually(Member)) {
      if (!specNothrow(Member->getMethodDecl()))
        Out.Direct = true;
    } else if (const FunctionDecl *FD = Call->getDirectCallee()) {
      addCallee(FD, Out);
    } else if (!typeNothrow(Call->getCallee()->getType())) {
      Out.Direct = true;
    }
  }
  for (const Stmt *Child : S->children())
    summarize(Child, Out);
}

void ThrowAnalysis::solve(llvm::ArrayRef<const FunctionDecl *> Roots) {
  llvm::DenseMap<const FunctionDecl *, Summary> Open;
  llvm::SmallVector<const FunctionDecl *, 16> Work(Roots.begin(), Roots.end());
  while (!Work.empty()) {
    const FunctionDecl *F = Work.pop_back_val();
    if (Decided.count(F) || Open.count(F))
      continue;
    Summary S;
    const FunctionDecl *Def = nullptr;
    if (!F->hasBody(Def) || !Def->getBody() || ++Visited > MaxFunctions ||
        isa<CXXDestructorDecl>(Def)) {
      // No visible body, or past the budget; a destructor that may throw
      // (its specification says so) also destroys members: no more detail.
      S.Direct = true;
    } else {
      if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
        for (const CXXCtorInitializer *Init : Ctor->inits())
          summarize(Init->getInit(), S);
      summarize(Def->getBody(), S);
    }
    for (const FunctionDecl *C : S.Callees)
      if (!Decided.count(C) && !Open.count(C))
        Work.push_back(C);
    Open[F] = std::move(S);
  }
  // Greatest fixpoint: nothing throws until a throw of its own, or a callee
  // that throws, says so.
  llvm::DenseMap<const FunctionDecl *, bool> Throws;
  for (auto &[F, S] : Open)
    Throws[F] = S.Direct;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto &[F, S] : Open) {
      if (Throws[F])
        continue;
      for (const FunctionDecl *C : S.Callees) {
        auto It = Decided.find(C);
        if (It != Decided.end() ? It->second : Throws[C]) {
          Throws[F] = Changed = true;
          break;
        }
      }
    }
  }
  for (auto &[F, T] : Throws)
    Decided[F] = T;
}

bool ThrowAnalysis::mayThrow(const FunctionDecl *FD) {
  Summary S;
  addCallee(FD, S);
  if (S.Direct)
    return true;
  if (S.Callees.empty())
    return false;
  solve(S.Callees);
  return Decided.lookup(S.Callees.front());
}

bool ThrowAnalysis::mayThrow(const Stmt *S) {
  Summary Sum;
  summarize(S, Sum);
  if (Sum.Direct)
    return true;
  solve(Sum.Callees);
  return llvm::any_of(Sum.Callees,
                      [&](const FunctionDecl *C) { return Decided.lookup(C); });
}

} // namespace spice_rewrite
