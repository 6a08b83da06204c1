//===- ParallelAttribute.cpp - Registering [[spice::parallel]] ------------===//
//
// The attribute is registered with Clang's ParsedAttrInfoRegistry from inside
// the executable (no plugin): the handler attaches an AnnotateAttr, which the
// AST keeps on redeclarations and template instantiations.
//
//===----------------------------------------------------------------------===//
#include "ParallelAttribute.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

using namespace clang;

namespace spice_rewrite {
namespace {

/// Whether the attribute is followed by a non-empty "( ... )": arguments
/// of attributes Clang does not know are not always counted. Read from the
/// tokens as spelled (also in a macro's definition), comments skipped.
bool hasWrittenArguments(Sema &S, const ParsedAttr &Attr) {
  const SourceManager &SM = S.getSourceManager();
  const LangOptions &LangOpts = S.getLangOpts();
  Token T;
  if (Lexer::getRawToken(SM.getSpellingLoc(Attr.getLoc()), T, SM, LangOpts,
                         /*IgnoreWhiteSpace=*/true))
    return false;
  // Over the name ("spice::parallel", "using spice: parallel" at "spice").
  for (int Guard = 0;
       Guard < 4 && T.isOneOf(tok::raw_identifier, tok::coloncolon, tok::colon);
       ++Guard) {
    std::optional<Token> Next =
        Lexer::findNextToken(T.getLocation(), SM, LangOpts);
    if (!Next)
      return false;
    T = *Next;
  }
  if (!T.is(tok::l_paren))
    return false;
  std::optional<Token> Inside =
      Lexer::findNextToken(T.getLocation(), SM, LangOpts);
  return !Inside || !Inside->is(tok::r_paren);
}

class ParallelAttrInfo : public ParsedAttrInfo {
public:
  ParallelAttrInfo() {
    // Accept arguments while parsing so that we, not the parser, report them.
    OptArgs = 15;
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_CXX11, ParallelAnnotation}};
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D) || isa<FunctionTemplateDecl>(D))
      return true;
    unsigned ID = S.getDiagnostics().getCustomDiagID(
        DiagnosticsEngine::Error,
        "'spice::parallel' attribute only applies to functions");
    S.Diag(Attr.getLoc(), ID);
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &Attr,
                            const Stmt *) const override {
    unsigned ID = S.getDiagnostics().getCustomDiagID(
        DiagnosticsEngine::Error,
        "'spice::parallel' attribute only applies to functions");
    S.Diag(Attr.getLoc(), ID);
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    DiagnosticsEngine &Diags = S.getDiagnostics();
    if (Attr.getNumArgs() != 0 || hasWrittenArguments(S, Attr)) {
      S.Diag(Attr.getLoc(),
             Diags.getCustomDiagID(
                 DiagnosticsEngine::Error,
                 "'spice::parallel' attribute takes no arguments"));
      return AttributeNotApplied;
    }
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
      FD = FTD->getTemplatedDecl();
    if (FD && (isa<CXXConstructorDecl>(FD) || isa<CXXDestructorDecl>(FD) ||
               isa<CXXConversionDecl>(FD) ||
               (FD->isOverloadedOperator() &&
                FD->getOverloadedOperator() != OO_Call) ||
               FD->isVariadic())) {
      S.Diag(Attr.getLoc(),
             Diags.getCustomDiagID(
                 DiagnosticsEngine::Error,
                 "[[spice::parallel]] cannot mark a %0; mark an ordinary "
                 "named function with a fixed parameter list"))
          << (FD->isVariadic()              ? "variadic function"
              : isa<CXXConstructorDecl>(FD) ? "constructor"
              : isa<CXXDestructorDecl>(FD)  ? "destructor"
                                           : "operator or conversion function");
      return AttributeNotApplied;
    }
    D->addAttr(AnnotateAttr::Create(S.Context, ParallelAnnotation, nullptr, 0,
                                    Attr.getRange()));
    return AttributeApplied;
  }
};

ParsedAttrInfoRegistry::Add<ParallelAttrInfo>
    RegisterParallel("spice-parallel", "[[spice::parallel]] functions");

bool hasParallelOnAnyRedecl(const FunctionDecl *FD) {
  for (const FunctionDecl *R : FD->redecls())
    if (getParallelAttr(R))
      return true;
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
    for (const RedeclarableTemplateDecl *R : FTD->redecls())
      if (getParallelAttr(R))
        return true;
  return false;
}

bool isInSpiceNamespace(const Decl *D) {
  const auto *NS = dyn_cast<NamespaceDecl>(D->getDeclContext());
  return NS && NS->getName() == "spice" &&
         NS->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

SpiceCallKind classifyName(const NamedDecl *D) {
  D = D->getUnderlyingDecl();
  if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
    D = FTD->getTemplatedDecl();
  const auto *FD = dyn_cast<FunctionDecl>(D);
  if (!FD || !FD->getIdentifier() || !isInSpiceNamespace(FD))
    return SpiceCallKind::None;
  if (FD->getName() == "spawn")
    return SpiceCallKind::Spawn;
  if (FD->getName() == "sync")
    return SpiceCallKind::Sync;
  return SpiceCallKind::None;
}

LoopKind classifyLoopName(const NamedDecl *D) {
  D = D->getUnderlyingDecl();
  if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
    D = FTD->getTemplatedDecl();
  const auto *FD = dyn_cast<FunctionDecl>(D);
  // Only the templates: the runtime's spice::detail functions and a user's
  // own non-template overload are something else.
  if (!FD || !FD->getIdentifier() || !isInSpiceNamespace(FD) ||
      !FD->getDescribedFunctionTemplate())
    return LoopKind::None;
  if (FD->getName() == "parallel_for")
    return LoopKind::For;
  if (FD->getName() == "parallel_reduce")
    return LoopKind::Reduce;
  return LoopKind::None;
}

} // namespace

const AnnotateAttr *getParallelAttr(const Decl *D) {
  for (const auto *A : D->specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == ParallelAnnotation)
      return A;
  return nullptr;
}

bool isParallelFunction(const FunctionDecl *FD) {
  if (!FD)
    return false;
  if (hasParallelOnAnyRedecl(FD))
    return true;
  if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
    if (Pattern != FD && hasParallelOnAnyRedecl(Pattern))
      return true;
  if (const FunctionTemplateDecl *Primary = FD->getPrimaryTemplate())
    return hasParallelOnAnyRedecl(Primary->getTemplatedDecl());
  return false;
}

SpiceCallKind classifySpiceCall(const CallExpr *Call) {
  if (const FunctionDecl *FD = Call->getDirectCallee()) {
    if (const FunctionTemplateDecl *Primary = FD->getPrimaryTemplate())
      return classifyName(Primary);
    return classifyName(FD);
  }
  const Expr *Callee = Call->getCallee()->IgnoreParenImpCasts();
  if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(Callee)) {
    SpiceCallKind Kind = SpiceCallKind::None;
    for (const NamedDecl *D : ULE->decls()) {
      SpiceCallKind K = classifyName(D);
      if (K == SpiceCallKind::None ||
          (Kind != SpiceCallKind::None && K != Kind))
        return SpiceCallKind::None;
      Kind = K;
    }
    return Kind;
  }
  return SpiceCallKind::None;
}

LoopKind classifyLoopFunction(const FunctionDecl *FD) {
  if (!FD)
    return LoopKind::None;
  if (const FunctionTemplateDecl *Primary = FD->getPrimaryTemplate())
    return classifyLoopName(Primary);
  return classifyLoopName(FD);
}

LoopKind classifyLoopCall(const CallExpr *Call) {
  if (isa<CXXOperatorCallExpr>(Call) || isa<CXXMemberCallExpr>(Call))
    return LoopKind::None;
  if (const FunctionDecl *FD = Call->getDirectCallee())
    return classifyLoopFunction(FD);
  const Expr *Callee = Call->getCallee()->IgnoreParenImpCasts();
  if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(Callee)) {
    LoopKind Kind = LoopKind::None;
    for (const NamedDecl *D : ULE->decls()) {
      LoopKind K = classifyLoopName(D);
      if (K == LoopKind::None || (Kind != LoopKind::None && K != Kind))
        return LoopKind::None;
      Kind = K;
    }
    return Kind;
  }
  return LoopKind::None;
}

const char *loopName(LoopKind Kind) {
  return Kind == LoopKind::Reduce ? "spice::parallel_reduce"
                                  : "spice::parallel_for";
}

} // namespace spice_rewrite
