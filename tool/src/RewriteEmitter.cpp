//===- RewriteEmitter.cpp - Generating the rewritten program text ---------===//
#include "RewriteEmitter.h"
#include "ParallelAttribute.h"
#include "SpawnAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace spice_rewrite {
namespace {

/// Whether \p S contains something a second copy of its text would make a
/// second entity of: a lambda (its own closure type and statics) or a
/// statement expression.
bool definesEntities(const Stmt *S) {
  if (!S)
    return false;
  if (isa<LambdaExpr>(S) || isa<StmtExpr>(S) || isa<BlockExpr>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (definesEntities(Child))
      return true;
  return false;
}

const char *ParallelPrefix = "spice_parallel_";
/// The internal body of a parallel version (see splitsBody()).
const char *BodyPrefix = "spice_body_";
// The scheduler context travels as two scalar parameters, not as one
// spice::Task: GCC passes a struct argument through memory, which kept the
// worker and the list tail on the stack in every parallel frame. The body
// rebuilds `spice_task` from them.
const char *ContextParams = "spice::Task::Worker spice_worker, "
                            "spice::Task::Tail spice_tail";
const char *ContextArgs = "spice_task.worker(), spice_task.tail()";

std::string joinStrings(const std::vector<std::string> &Parts,
                        llvm::StringRef Sep) {
  std::string Out;
  for (size_t I = 0; I < Parts.size(); ++I) {
    if (I)
      Out += Sep;
    Out += Parts[I];
  }
  return Out;
}

/// A one-line summary of user text for a `// spice:` comment.
std::string summary(llvm::StringRef Text) {
  std::string S = collapseWhitespace(Text);
  if (S.size() > 60)
    S = S.substr(0, 57) + "...";
  while (!S.empty() && S.back() == '\\')
    S.pop_back();
  return S;
}

/// The name of the parallel version: spice_parallel_NAME, and
/// spice_parallel_call_operator for an operator().
std::string parallelName(const FunctionDecl *FD) {
  if (FD->getOverloadedOperator() == OO_Call)
    return std::string(ParallelPrefix) + "call_operator";
  return ParallelPrefix + FD->getNameAsString();
}

/// Whether the parallel version of \p FD gets its body as a separate
/// `static inline` function that its recursive calls call, the parallel
/// version itself becoming a wrapper: GCC inlines a function into itself
/// (as it does with the serial recursion) only when it is inline and
/// internal (measured: fib(32) 3.0x -> 2.1x the serial time on one worker,
/// the 1023-node tree sum 2.8x -> 2.4x). Only for the functions that can be
/// wrapped without changing anything else: namespace-scope, non-template,
/// not inline already, no storage class, defined with an unqualified name,
/// no default argument, not variadic.
bool splitsBody(const FunctionDecl *FD) {
  if (isa<CXXMethodDecl>(FD) || FD->getDescribedFunctionTemplate() ||
      FD->isTemplated() || FD->isTemplateInstantiation() ||
      FD->isFunctionTemplateSpecialization() || FD->isInlined() ||
      FD->isConstexpr() || FD->isVariadic() || FD->isMain() ||
      FD->getStorageClass() != SC_None || FD->getQualifier() ||
      !FD->getDeclContext()->getRedeclContext()->isFileContext())
    return false;
  for (const FunctionDecl *R : FD->redecls())
    for (const ParmVarDecl *P : R->parameters())
      if (P->hasDefaultArg())
        return false;
  return true;
}

/// The length of a declaration's name as written ("operator ()" spans
/// several tokens).
unsigned nameLength(const FunctionDecl *FD, const SourceManager &SM,
                    const LangOptions &LangOpts) {
  SourceLocation B = FD->getLocation(), E = FD->getNameInfo().getEndLoc();
  unsigned Len = Lexer::MeasureTokenLength(B, SM, LangOpts);
  if (E.isValid() && B.isFileID() && E.isFileID() &&
      SM.getFileID(B) == SM.getFileID(E) &&
      SM.getFileOffset(E) >= SM.getFileOffset(B))
    Len = SM.getFileOffset(E) - SM.getFileOffset(B) +
          Lexer::MeasureTokenLength(E, SM, LangOpts);
  return Len;
}

/// Where the name of a function named by \p E (`ns::f<int>`, an overload
/// set in a template) stands; invalid for other expressions.
SourceLocation nameLoc(const Expr *E) {
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getNameInfo().getLoc();
  if (const auto *ULE = dyn_cast<UnresolvedLookupExpr>(E))
    return ULE->getNameLoc();
  return SourceLocation();
}

/// The place where a declaration's text starts: its template header if any.
SourceLocation headBegin(const FunctionDecl *FD) {
  // The class's template headers of an out-of-class member come first
  // (`template <class T> template <class U> U Box<T>::f()`).
  if (FD->getNumTemplateParameterLists() > 0)
    return FD->getOuterLocStart();
  // An abbreviated template (auto parameters only) has no written header.
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
    if (FTD->getTemplateParameters()->getTemplateLoc().isValid())
      return FTD->getBeginLoc();
  return FD->getOuterLocStart();
}

/// Whether \p Child, a child of \p Loop, is evaluated in every iteration
/// (the body, the condition, the increment), when \p Loop is a loop.
bool runsEachIteration(const Stmt *Loop, const Stmt *Child) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return Child == For->getBody() || Child == For->getCond() ||
           Child == For->getInc() ||
           Child == For->getConditionVariableDeclStmt();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return Child == While->getBody() || Child == While->getCond() ||
           Child == While->getConditionVariableDeclStmt();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Child == Do->getBody() || Child == Do->getCond();
  if (const auto *For = dyn_cast<CXXForRangeStmt>(Loop))
    return Child == For->getBody() || Child == For->getLoopVarStmt() ||
           Child == For->getCond() || Child == For->getInc();
  return false;
}

const Stmt *loopBody(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getBody();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return While->getBody();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Do->getBody();
  return cast<CXXForRangeStmt>(Loop)->getBody();
}

bool isLoop(const Stmt *S) {
  return isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S);
}

/// Whether running \p S takes a bounded, small number of instructions: no
/// call (of a function, operator, non-trivial constructor or destructor,
/// allocation), no loop, no jump back. The ticks of a loop may skip the
/// iterations that do nothing parallel only where those are this cheap.
bool isCheap(const Stmt *S) {
  if (!S)
    return true;
  if (isa<CallExpr, CXXNewExpr, CXXDeleteExpr, CXXBindTemporaryExpr, LambdaExpr,
          BlockExpr, GotoStmt, IndirectGotoStmt, AsmStmt, CoroutineBodyStmt,
          CoreturnStmt, CoawaitExpr, CoyieldExpr>(S) ||
      isLoop(S))
    return false;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
    if (!Construct->getConstructor()->isTrivial())
      return false;
  if (const auto *Decls = dyn_cast<DeclStmt>(S))
    for (const Decl *D : Decls->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD)
        continue;
      // A destructor runs at the end of the scope; a static's guard locks.
      if (VD->isStaticLocal() || VD->getType()->isDependentType() ||
          VD->needsDestruction(VD->getASTContext()) != QualType::DK_none)
        return false;
      if (!isCheap(VD->getInit()))
        return false;
    }
  for (const Stmt *Child : S->children())
    if (!isCheap(Child))
      return false;
  return true;
}

} // namespace

RewriteEmitter::RewriteEmitter(ASTContext &Ctx, Diagnoser &Diag,
                               const SnippetFormatter &Format,
                               SourceEdits &Edits, const RewriteScope &Scope,
                               FileID File)
    : Ctx(Ctx), SM(Ctx.getSourceManager()), LangOpts(Ctx.getLangOpts()),
      Diag(Diag), Format(Format), Edits(Edits), Scope(Scope), File(File) {}

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

std::optional<RewriteEmitter::Range>
RewriteEmitter::fileRange(SourceRange R) const {
  CharSourceRange CR =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM, LangOpts);
  if (CR.isInvalid())
    return std::nullopt;
  auto [BeginFID, Begin] = SM.getDecomposedLoc(CR.getBegin());
  auto [EndFID, End] = SM.getDecomposedLoc(CR.getEnd());
  if (BeginFID != File || EndFID != BeginFID || End < Begin)
    return std::nullopt;
  return Range{Begin, End};
}

std::optional<unsigned> RewriteEmitter::offsetOf(SourceLocation Loc) const {
  if (Loc.isInvalid() || Loc.isMacroID())
    return std::nullopt;
  auto [FID, Offset] = SM.getDecomposedLoc(Loc);
  if (FID != File)
    return std::nullopt;
  return Offset;
}

std::optional<unsigned>
RewriteEmitter::offsetAfterToken(SourceLocation Loc) const {
  if (Loc.isInvalid() || Loc.isMacroID())
    return std::nullopt;
  return offsetOf(Lexer::getLocForEndOfToken(Loc, 0, SM, LangOpts));
}

const FileTokens &RewriteEmitter::tokens(FileID F) const {
  std::unique_ptr<FileTokens> &Slot = Lexed[F];
  if (!Slot)
    Slot = std::make_unique<FileTokens>(SM, F, LangOpts);
  return *Slot;
}

std::optional<unsigned>
RewriteEmitter::semicolonAfter(SourceLocation Loc) const {
  // The first ';' after Loc outside brackets.
  std::optional<unsigned> From = offsetAfterToken(Loc);
  if (!From)
    return std::nullopt;
  const FileTokens &Toks = tokens(File);
  int Depth = 0;
  for (const FileTokens::Token *T = Toks.next(*From); T; T = Toks.after(T)) {
    if (T->is(tok::l_paren) || T->is(tok::l_square) || T->is(tok::l_brace))
      ++Depth;
    else if (T->is(tok::r_paren) || T->is(tok::r_square) || T->is(tok::r_brace))
      --Depth;
    else if (T->is(tok::semi) && Depth <= 0)
      return T->End;
  }
  return std::nullopt;
}

std::optional<unsigned> RewriteEmitter::tokenAt(unsigned Offset,
                                                tok::TokenKind Kind) const {
  const FileTokens::Token *T = tokens(File).next(Offset);
  if (!T || !T->is(Kind))
    return std::nullopt;
  return T->Begin;
}

std::optional<RewriteEmitter::Range>
RewriteEmitter::stmtRange(const Stmt *S) const {
  std::optional<Range> R = fileRange(S->getSourceRange());
  if (!R)
    return R;
  bool NeedsSemi = isa<Expr>(S) || isa<ReturnStmt>(S) || isa<BreakStmt>(S) ||
                   isa<ContinueStmt>(S) || isa<GotoStmt>(S) || isa<DeclStmt>(S);
  const FileTokens::Token *Last = tokens(File).previous(R->End);
  if (NeedsSemi && !(Last && Last->is(tok::semi) && Last->End == R->End)) {
    // The next token, over blanks and comments, must be the ';'.
    std::optional<unsigned> Semi = tokenAt(R->End, tok::semi);
    if (!Semi)
      return std::nullopt;
    R->End = *Semi + 1;
  }
  return R;
}

std::optional<unsigned> RewriteEmitter::statementEnd(const Stmt *S) const {
  // Down to the statement whose last token ends S.
  while (true) {
    if (const auto *If = dyn_cast<IfStmt>(S))
      S = If->getElse() ? If->getElse() : If->getThen();
    else if (const auto *For = dyn_cast<ForStmt>(S))
      S = For->getBody();
    else if (const auto *While = dyn_cast<WhileStmt>(S))
      S = While->getBody();
    else if (const auto *For = dyn_cast<CXXForRangeStmt>(S))
      S = For->getBody();
    else if (const auto *Switch = dyn_cast<SwitchStmt>(S))
      S = Switch->getBody();
    else if (const auto *Label = dyn_cast<LabelStmt>(S))
      S = Label->getSubStmt();
    else if (const auto *Case = dyn_cast<SwitchCase>(S))
      S = Case->getSubStmt();
    else if (const auto *Attributed = dyn_cast<AttributedStmt>(S))
      S = Attributed->getSubStmt();
    else if (const auto *Try = dyn_cast<CXXTryStmt>(S))
      S = Try->getHandler(Try->getNumHandlers() - 1)->getHandlerBlock();
    else
      break;
    if (!S)
      return std::nullopt;
  }
  std::optional<Range> R = fileRange(S->getSourceRange());
  if (!R)
    return std::nullopt;
  if (isa<CompoundStmt>(S))
    return R->End;
  // Any other statement ends with a ';' (a do-while's follows its ')').
  const FileTokens::Token *Last = tokens(File).previous(R->End);
  if (Last && Last->is(tok::semi) && Last->End == R->End)
    return R->End;
  std::optional<unsigned> Semi = tokenAt(R->End, tok::semi);
  if (!Semi)
    return std::nullopt;
  return *Semi + 1;
}

bool RewriteEmitter::require(std::optional<Range> R, SourceLocation At,
                             const char *What) {
  if (R)
    return true;
  Diag.error(At, "cannot rewrite %0: it is written inside a macro expansion "
                 "or spans files")
      << What;
  return false;
}

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

std::string RewriteEmitter::takeText(const Expr *E) {
  std::optional<Range> R = fileRange(E->getSourceRange());
  if (!R)
    return rawText(E->getSourceRange());
  return Edits.takeText(R->Begin, R->End);
}

std::string RewriteEmitter::rawText(SourceRange R) const {
  CharSourceRange CR =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM, LangOpts);
  return Lexer::getSourceText(CR, SM, LangOpts).str();
}

std::string RewriteEmitter::withoutTopLevelConst(const VarDecl *VD,
                                                 unsigned TextBegin,
                                                 llvm::StringRef Text) const {
  // The AST keeps no place of a qualifier: a top-level 'const' is one
  // written after the '*' of a pointer declarator, or else one outside the
  // tokens of the unqualified type (not in its template arguments).
  UnqualTypeLoc Type =
      VD->getTypeSourceInfo()->getTypeLoc().getUnqualifiedLoc();
  std::optional<unsigned> NameAt = offsetOf(VD->getLocation());
  if (!NameAt || *NameAt < TextBegin)
    return Text.str();
  unsigned From = TextBegin;
  std::optional<Range> Inner;
  SourceLocation Star;
  if (auto P = Type.getAs<PointerTypeLoc>())
    Star = P.getStarLoc();
  else if (auto MP = Type.getAs<MemberPointerTypeLoc>())
    Star = MP.getStarLoc();
  if (Star.isValid()) {
    std::optional<unsigned> AfterStar = offsetAfterToken(Star);
    if (!AfterStar)
      return Text.str();
    From = *AfterStar;
  } else {
    Inner = fileRange(Type.getSourceRange());
  }
  const FileTokens &Toks = tokens(File);
  std::vector<TextEdit> Drops;
  for (const FileTokens::Token &T : Toks.between(From, *NameAt))
    if (Toks.isWord(&T, "const") &&
        !(Inner && T.Begin >= Inner->Begin && T.Begin < Inner->End) &&
        T.End <= TextBegin + Text.size())
      Drops.push_back({T.Begin - TextBegin, T.End - TextBegin, ""});
  return applyTextEdits(Text, std::move(Drops));
}

std::string RewriteEmitter::replaceToken(const Expr *E, SourceLocation Name,
                                         llvm::StringRef NewName) const {
  CharSourceRange CR = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()), SM, LangOpts);
  std::string Text = Lexer::getSourceText(CR, SM, LangOpts).str();
  if (CR.isInvalid() || Name.isMacroID())
    return Text;
  unsigned Begin = SM.getFileOffset(CR.getBegin());
  unsigned At = SM.getFileOffset(Name);
  unsigned Len = Lexer::MeasureTokenLength(Name, SM, LangOpts);
  if (At < Begin || At + Len > Begin + Text.size())
    return Text;
  return Text.substr(0, At - Begin) + NewName.str() +
         Text.substr(At - Begin + Len);
}

unsigned RewriteEmitter::attributeListBegin(FileID F,
                                            unsigned AttrBegin) const {
  // Back over the attributes before it (names, '::', ',' and argument
  // lists) to the '[' '[' that opens the list.
  const FileTokens &Toks = tokens(F);
  const FileTokens::Token *T = Toks.previous(AttrBegin);
  while (T) {
    if (T->is(tok::l_square)) {
      const FileTokens::Token *Outer = Toks.before(T);
      if (Outer && Outer->is(tok::l_square))
        return Outer->Begin;
      return AttrBegin;
    }
    if (T->is(tok::r_paren)) {
      // Back to the '(' this one closes.
      int Depth = 0;
      for (; T; T = Toks.before(T)) {
        if (T->is(tok::r_paren))
          ++Depth;
        else if (T->is(tok::l_paren) && --Depth == 0)
          break;
      }
    } else if (!T->is(tok::raw_identifier) && !T->is(tok::coloncolon) &&
               !T->is(tok::comma)) {
      return AttrBegin;
    }
    T = T ? Toks.before(T) : nullptr;
  }
  return AttrBegin;
}

std::optional<RewriteEmitter::Range>
RewriteEmitter::attributeRemoval(FileID F, unsigned B, unsigned E) const {
  const FileTokens &Toks = tokens(F);
  // Its arguments, if any (already rejected when not empty).
  const FileTokens::Token *Next = Toks.next(E);
  if (Next && Next->is(tok::l_paren)) {
    const FileTokens::Token *Close = Toks.closing(Next);
    if (!Close)
      return std::nullopt;
    E = Close->End;
    Next = Toks.after(Close);
  }
  const FileTokens::Token *Prev = Toks.previous(B);
  const FileTokens::Token *Open = Prev ? Toks.before(Prev) : nullptr;
  const FileTokens::Token *Shut = Next ? Toks.after(Next) : nullptr;
  if (Prev && Prev->is(tok::l_square) && Open && Open->is(tok::l_square) &&
      Next && Next->is(tok::r_square) && Shut && Shut->is(tok::r_square)) {
    // Alone in its list: the whole `[[...]]`, and the blanks after it when
    // more follows on the line.
    unsigned End = Shut->End;
    const FileTokens::Token *Then = Toks.after(Shut, /*Comments=*/true);
    if (Then && Toks.line(Then->Begin) == Toks.line(Shut->End))
      End = Then->Begin;
    return Range{Open->Begin, End};
  }
  if (Prev && Prev->is(tok::comma))
    return Range{Prev->Begin, E};
  if (Next && Next->is(tok::comma)) {
    const FileTokens::Token *Then = Toks.after(Next, /*Comments=*/true);
    return Range{B, Then ? Then->Begin : Next->End};
  }
  return Range{B, E};
}

void RewriteEmitter::removeAttributes(const Decl *D) {
  for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
    if (A->getAnnotation() != ParallelAnnotation || A->isInherited())
      continue;
    std::optional<Range> R = fileRange(A->getRange());
    if (!R)
      continue; // written by a macro: leave it, spice.h silences it
    if (std::optional<Range> Removal = attributeRemoval(File, R->Begin, R->End))
      Edits.replace(Removal->Begin, Removal->End, "");
  }
}

std::string RewriteEmitter::headText(const FunctionDecl *FD, HeadKind Kind,
                                     bool StripDefaults, bool NameParams) {
  SourceLocation BeginLoc = SM.getExpansionLoc(headBegin(FD));
  SourceLocation EndLoc;
  bool EndExclusive = false;
  if (FD->doesThisDeclarationHaveABody()) {
    EndLoc = SM.getExpansionLoc(FD->getBody()->getBeginLoc());
    EndExclusive = true;
  } else {
    EndLoc = SM.getExpansionLoc(FD->getEndLoc());
  }
  auto [FID, Begin] = SM.getDecomposedLoc(BeginLoc);
  auto [EndFID, EndOffset] = SM.getDecomposedLoc(EndLoc);
  if (FID != EndFID)
    return "";
  unsigned End =
      EndExclusive
          ? EndOffset
          : EndOffset + Lexer::MeasureTokenLength(EndLoc, SM, LangOpts);
  llvm::StringRef Buffer = SM.getBufferData(FID);
  llvm::StringRef Text = Buffer.slice(Begin, End);
  std::vector<TextEdit> Local;
  auto local = [&](SourceLocation L) -> std::optional<unsigned> {
    if (L.isInvalid() || L.isMacroID())
      return std::nullopt;
    auto [LFID, Off] = SM.getDecomposedLoc(L);
    if (LFID != FID || Off < Begin || Off > End)
      return std::nullopt;
    return Off - Begin;
  };
  // The attribute, on the function or its template.
  std::vector<const Decl *> Holders{FD};
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
    Holders.push_back(FTD);
  for (const Decl *H : Holders)
    for (const auto *A : H->specific_attrs<AnnotateAttr>()) {
      if (A->getAnnotation() != ParallelAnnotation || A->isInherited())
        continue;
      std::optional<unsigned> AB = local(A->getRange().getBegin());
      std::optional<unsigned> AE = local(A->getRange().getEnd());
      if (!AB || !AE)
        continue;
      unsigned AEnd =
          *AE + Lexer::MeasureTokenLength(A->getRange().getEnd(), SM, LangOpts);
      if (std::optional<Range> R =
              attributeRemoval(FID, Begin + *AB, Begin + AEnd))
        if (R->Begin >= Begin && R->End <= End)
          Local.push_back({R->Begin - Begin, R->End - Begin, ""});
    }
  // Where the text of a default argument ends: after its last token, which
  // may be the first half of a '>>' split by the parser or a macro.
  auto endAfter = [&](SourceLocation L) -> std::optional<unsigned> {
    if (L.isFileID()) {
      std::optional<unsigned> At = local(L);
      if (!At)
        return std::nullopt;
      return *At + Lexer::MeasureTokenLength(L, SM, LangOpts);
    }
    std::optional<unsigned> At = local(SM.getExpansionLoc(L));
    const FileTokens::Token *Split =
        At ? tokens(FID).containing(Begin + *At) : nullptr;
    if (Split && Split->is(tok::greatergreater) && Split->Begin == Begin + *At)
      return *At + 1;
    CharSourceRange R = SM.getExpansionRange(L);
    std::optional<unsigned> End = local(R.getEnd());
    if (!End)
      return std::nullopt;
    return R.isTokenRange()
               ? *End + Lexer::MeasureTokenLength(R.getEnd(), SM, LangOpts)
               : *End;
  };
  auto beginAt = [&](SourceLocation L) {
    return local(L.isFileID() ? L : SM.getExpansionLoc(L));
  };
  // Drops "= default" from a parameter: from the end of the token before
  // its '=' (a comment there stays) to the default's end. A default that a
  // macro writes with its '=' has no '=' token here.
  auto removeDefault = [&](unsigned ParamBegin, unsigned DefaultBegin,
                           unsigned DefaultEnd) {
    const FileTokens &Toks = tokens(FID);
    const FileTokens::Token *Start = Toks.previous(Begin + DefaultBegin);
    if (!Start || !Start->is(tok::equal))
      Start = Toks.next(Begin + DefaultBegin);
    const FileTokens::Token *Before =
        Start ? Toks.before(Start, /*Comments=*/true) : nullptr;
    unsigned From = Begin + ParamBegin;
    if (Before && Before->End > From)
      From = Before->End;
    Local.push_back({From - Begin, DefaultEnd, ""});
  };
  if (StripDefaults) {
    for (const ParmVarDecl *P : FD->parameters()) {
      if (!P->hasDefaultArg() || P->hasInheritedDefaultArg())
        continue;
      SourceRange DR = P->getDefaultArgRange();
      std::optional<unsigned> DB = beginAt(DR.getBegin());
      std::optional<unsigned> DE = endAfter(DR.getEnd());
      std::optional<unsigned> PB = beginAt(P->getBeginLoc());
      if (!DB || !DE || !PB)
        continue;
      removeDefault(*PB, *DB, *DE);
    }
    if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
      for (const NamedDecl *P : *FTD->getTemplateParameters()) {
        SourceRange DR;
        if (const auto *TP = dyn_cast<TemplateTypeParmDecl>(P)) {
          if (TP->hasDefaultArgument() && !TP->defaultArgumentWasInherited())
            DR = TP->getDefaultArgument().getSourceRange();
        } else if (const auto *NP = dyn_cast<NonTypeTemplateParmDecl>(P)) {
          if (NP->hasDefaultArgument() && !NP->defaultArgumentWasInherited())
            DR = NP->getDefaultArgument().getSourceRange();
        } else if (const auto *TT = dyn_cast<TemplateTemplateParmDecl>(P)) {
          if (TT->hasDefaultArgument() && !TT->defaultArgumentWasInherited())
            DR = TT->getDefaultArgument().getSourceRange();
        }
        if (DR.isInvalid())
          continue;
        std::optional<unsigned> DB = beginAt(DR.getBegin());
        std::optional<unsigned> DE = endAfter(DR.getEnd());
        std::optional<unsigned> PB = beginAt(P->getBeginLoc());
        if (!DB || !DE || !PB)
          continue;
        removeDefault(*PB, *DB, *DE);
      }
  }
  if (NameParams) {
    unsigned I = 0;
    for (const ParmVarDecl *P : FD->parameters()) {
      if (P->getName().empty())
        if (std::optional<unsigned> At = local(P->getLocation()))
          Local.push_back({*At, *At, " spice_param" + std::to_string(I)});
      ++I;
    }
  }
  if (Kind == HeadKind::Parallel) {
    if (std::optional<unsigned> NameAt = local(FD->getLocation())) {
      unsigned Len = nameLength(FD, SM, LangOpts);
      Local.push_back({*NameAt, *NameAt + Len, parallelName(FD)});
    }
    FunctionTypeLoc FTL = FD->getFunctionTypeLoc();
    std::optional<unsigned> LParen =
        FTL ? local(FTL.getLParenLoc()) : std::nullopt;
    std::optional<unsigned> RParen =
        FTL ? local(FTL.getRParenLoc()) : std::nullopt;
    if (LParen && RParen) {
      if (FD->getNumParams() == 0)
        Local.push_back({*LParen + 1, *RParen, ContextParams});
      else
        Local.push_back(
            {*LParen + 1, *LParen + 1, std::string(ContextParams) + ", "});
    }
  }
  std::optional<unsigned> Overlap;
  std::string Out = applyTextEdits(Text, std::move(Local), &Overlap);
  if (Overlap)
    Diag.error(SM.getComposedLoc(FID, Begin + *Overlap),
               "internal error of spice-rewrite: two edits of this "
               "declaration overlap; nothing was written (please report this "
               "with the input)");
  return llvm::StringRef(Out).trim().str();
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

void RewriteEmitter::emit(FinderResult &Result) {
  // Loops first: a spawn statement takes the text of its arguments with the
  // edits already made inside them.
  for (const LoopCall &L : Result.Loops)
    if (Scope.fileOf(L.Call->getBeginLoc()) == File)
      emitLoop(L);
  for (const ParallelCall &PC : Result.LoopBodyCalls)
    if (Scope.fileOf(PC.Call->getBeginLoc()) == File)
      emitParallelCall(PC);
  for (auto &PF : Result.Functions)
    if (Scope.fileOf(PF->FD->getLocation()) == File)
      emitFunction(*PF, Result.Loops);
  for (const FunctionDecl *FD : Result.Declarations)
    if (Scope.fileOf(FD->getLocation()) == File)
      emitDeclaration(FD);
  for (const auto &[Key, Use] : Result.HeaderDeclared)
    if (Key.first == File)
      emitHeaderDeclaration(Key.second, Use);
}

void RewriteEmitter::emitFunction(ParallelFunction &PF,
                                  llvm::ArrayRef<LoopCall> Loops) {
  const Stmt *BodyStmt = PF.FD->getBody();
  if (const auto *Try = dyn_cast<CXXTryStmt>(BodyStmt))
    BodyStmt = Try->getTryBlock();
  const auto *Body = dyn_cast<CompoundStmt>(BodyStmt);
  if (!Body)
    return;
  // First: a tick opens the statement it precedes, before any edit there.
  bool TickAtStart = !emitTicks(PF, Body, Loops);
  emitCalls(PF);
  for (SpawnSite &Site : PF.Spawns)
    emitSpawn(PF, Site);
  for (const SyncPoint &P : PF.Points)
    emitPoint(PF, P);
  for (const BlockEnd &End : PF.BlockEnds)
    emitBlockEnd(End);
  if (!PF.Spawns.empty())
    for (const CXXCatchStmt *Catch : PF.Catches)
      if (const auto *Handler =
              dyn_cast<CompoundStmt>(Catch->getHandlerBlock()))
        if (std::optional<unsigned> At =
                offsetAfterToken(Handler->getLBracLoc()))
          Edits.insert(*At, " spice_task.reset_tail();");
  emitHead(PF, Body, TickAtStart);
}

std::string RewriteEmitter::calleeName(const FunctionDecl *Callee,
                                       SourceLocation At) const {
  // A call of a split function inside its own body (also in a loop-body
  // lambda there) calls the body: the wrapper may not be declared yet.
  const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
  if (Def && splitsBody(Def) && Def->getBody()) {
    SourceRange Body = Def->getBody()->getSourceRange();
    SourceLocation Loc = SM.getExpansionLoc(At);
    if (!SM.isBeforeInTranslationUnit(Loc,
                                      SM.getExpansionLoc(Body.getBegin())) &&
        !SM.isBeforeInTranslationUnit(SM.getExpansionLoc(Body.getEnd()), Loc))
      return BodyPrefix + Callee->getNameAsString();
  }
  return ParallelPrefix + Callee->getNameAsString();
}

bool RewriteEmitter::emitTicks(const ParallelFunction &PF,
                               const CompoundStmt *Body,
                               llvm::ArrayRef<LoopCall> Loops) {
  // The parallel operations the tool knows of: spawns, calls of parallel
  // versions, parallel loops. A path that returns before any of them has
  // nothing to share, and its caller ticks at its own next one. Not syncs:
  // a sync joins only what this call spawned, after a tick on the way.
  std::vector<std::pair<const Stmt *, bool>> Ops; // with "may be elsewhere"
  for (const SpawnSite &Site : PF.Spawns)
    Ops.push_back({Site.S, false});
  for (const ParallelCall &PC : PF.Calls)
    Ops.push_back({PC.Call, false});
  for (const LoopCall &L : Loops)
    if (L.InParallel)
      Ops.push_back({L.Call, true}); // any function's: those in Body count
  ParentMap Parents(const_cast<CompoundStmt *>(Body));
  llvm::SetVector<const Stmt *> TickLoops;
  // The operations of the body and every statement that contains one.
  llvm::SmallPtrSet<const Stmt *, 16> HasOp;
  bool Placed = true;
  for (auto [Op, Elsewhere] : Ops) {
    const Stmt *Child = Op;
    const Stmt *Parent = Parents.getParent(Op);
    llvm::SmallVector<const Stmt *, 4> Around;
    llvm::SmallVector<const Stmt *, 8> Path{Op};
    bool InLambdaBody = false;
    while (Parent && Parent != Body) {
      if (const auto *LE = dyn_cast<LambdaExpr>(Parent))
        if (Child == LE->getBody()) {
          InLambdaBody = true; // a loop body: its chunks tick
          break;
        }
      if (runsEachIteration(Parent, Child))
        Around.push_back(Parent);
      Path.push_back(Parent);
      Child = Parent;
      Parent = Parents.getParent(Parent);
    }
    if (InLambdaBody)
      continue;
    if (!Parent) {
      Placed = Placed && Elsewhere;
      continue;
    }
    TickLoops.insert(Around.begin(), Around.end());
    HasOp.insert(Path.begin(), Path.end());
  }

  llvm::SmallSet<unsigned, 8> Ticked;
  auto tickBefore = [&](const Stmt *S) {
    std::optional<Range> R = fileRange(S->getSourceRange());
    if (!R)
      return false;
    if (Ticked.insert(R->Begin).second)
      Edits.insert(R->Begin, "spice_task.tick(); ", InsertOrder::Open);
    return true;
  };
  // A tick as the first statement of a loop body or a branch; false if it
  // is written by a macro.
  auto tickAtStartOf = [&](const Stmt *S) {
    if (const auto *Block = dyn_cast<CompoundStmt>(S)) {
      std::optional<unsigned> At = offsetAfterToken(Block->getLBracLoc());
      if (!At)
        return false;
      Edits.insert(*At, " spice_task.tick();", InsertOrder::Normal);
      return true;
    }
    // One statement: it goes in braces with the tick (on its lines).
    std::optional<Range> R = fileRange(S->getSourceRange());
    std::optional<unsigned> End = statementEnd(S);
    if (!R || !End)
      return false;
    Edits.insert(R->Begin, "{ spice_task.tick(); ", InsertOrder::Open);
    Edits.insert(*End, " }", InsertOrder::Close);
    return true;
  };
  // Where the ticks go among the statements of a body or a loop body: in
  // front of the first statement that does something parallel, except that
  //  - an `if` whose condition does nothing parallel ticks at the start of
  //    each branch that does, so that the paths that do nothing parallel (a
  //    recursion's leaves) do not poll; a path that skips those branches
  //    ticks at the next statement that does something parallel;
  //  - a loop that does something parallel only in its body ticks in each
  //    iteration anyway (below): nothing in front of it, and a path that
  //    runs no iteration ticks at the next statement, as past an `if`.
  // Unpolled collects the code that may run before any of these ticks.
  struct TickPlan {
    llvm::SmallVector<const Stmt *, 8> Starts; // tick at their start
    const Stmt *Before = nullptr;              // tick in front of it
    llvm::SmallVector<const Stmt *, 8> Unpolled;
  };
  auto canTickAtStartOf = [&](const Stmt *S) {
    if (const auto *Block = dyn_cast<CompoundStmt>(S))
      return offsetAfterToken(Block->getLBracLoc()).has_value();
    return fileRange(S->getSourceRange()) && statementEnd(S);
  };
  auto onlyBodyHasOps = [&](const Stmt *Loop) {
    for (const Stmt *Child : Loop->children())
      if (Child && Child != loopBody(Loop) && HasOp.count(Child))
        return false;
    return true;
  };
  auto plan = [&](llvm::ArrayRef<const Stmt *> Stmts) {
    TickPlan P;
    for (const Stmt *S : Stmts) {
      if (!HasOp.count(S)) {
        P.Unpolled.push_back(S);
        continue;
      }
      const auto *If = dyn_cast<IfStmt>(S);
      if (If && !If->getInit() && !If->getConditionVariableDeclStmt() &&
          !HasOp.count(If->getCond())) {
        const Stmt *Then = If->getThen(), *Else = If->getElse();
        bool TickThen = HasOp.count(Then), TickElse = Else && HasOp.count(Else);
        if ((!TickThen || canTickAtStartOf(Then)) &&
            (!TickElse || canTickAtStartOf(Else))) {
          P.Unpolled.push_back(If->getCond());
          (TickThen ? P.Starts : P.Unpolled).push_back(Then);
          if (Else)
            (TickElse ? P.Starts : P.Unpolled).push_back(Else);
          if (TickThen && TickElse)
            return P; // every path through the `if` ticks
          continue;
        }
      }
      if (isLoop(S) && TickLoops.count(S) && onlyBodyHasOps(S)) {
        for (const Stmt *Child : S->children())
          if (Child != loopBody(S))
            P.Unpolled.push_back(Child);
        continue;
      }
      P.Before = S;
      return P;
    }
    return P;
  };
  auto apply = [&](const TickPlan &P) {
    bool Done = true;
    for (const Stmt *S : P.Starts)
      Done = tickAtStartOf(S) && Done;
    if (P.Before)
      Done = tickBefore(P.Before) && Done;
    return Done;
  };
  auto statementsOf = [](const Stmt *S) {
    if (const auto *Block = dyn_cast<CompoundStmt>(S))
      return llvm::SmallVector<const Stmt *, 8>(Block->body());
    return llvm::SmallVector<const Stmt *, 8>{S};
  };

  Placed = apply(plan(statementsOf(Body))) && Placed;
  // Each iteration of a loop that does something parallel ticks: its
  // calls may all return before they do, and then nothing else would. At
  // the start of the body; or, where some iterations do nothing parallel
  // and such an iteration is cheap (isCheap), in the branches that do, as
  // above, so that a loop that spawns in some iterations polls in those
  // alone (n-queens). Not where every iteration ticks in front of the same
  // statement anyway: one tick at the start is as good there.
  for (const Stmt *Loop : TickLoops) {
    const Stmt *LoopBody = loopBody(Loop);
    TickPlan P = plan(statementsOf(LoopBody));
    bool Cheap = !P.Starts.empty() && !P.Before;
    for (const Stmt *Child : Loop->children())
      Cheap = Cheap && (Child == LoopBody || isCheap(Child));
    for (const Stmt *S : P.Unpolled)
      Cheap = Cheap && isCheap(S);
    if (Cheap && apply(P))
      continue;
    if (tickAtStartOf(LoopBody))
      continue;
    // A body written by a macro: once before the loop (docs/rewrite.md).
    Placed = tickBefore(Loop) && Placed;
  }
  return Placed;
}

void RewriteEmitter::emitCalls(ParallelFunction &PF) {
  for (const ParallelCall &PC : PF.Calls)
    emitParallelCall(PC);
}

void RewriteEmitter::emitParallelCall(const ParallelCall &PC) {
  std::optional<unsigned> NameAt = offsetOf(PC.NameLoc);
  std::optional<unsigned> CalleeEnd = offsetAfterToken(PC.CalleeEnd);
  if (!NameAt || !CalleeEnd)
    return; // inside a macro: the call stays a call of the entry point
  // The '(' that follows the callee, over blanks and comments.
  std::optional<unsigned> LParen = tokenAt(*CalleeEnd, tok::l_paren);
  if (!LParen)
    return;
  unsigned Paren = *LParen;
  unsigned Len = Lexer::MeasureTokenLength(PC.NameLoc, SM, LangOpts);
  Edits.replace(*NameAt, *NameAt + Len, calleeName(PC.Callee, PC.NameLoc));
  Edits.insert(Paren + 1, PC.HasArgs ? std::string(ContextArgs) + ", "
                                     : std::string(ContextArgs));
}

void RewriteEmitter::emitLoop(const LoopCall &L) {
  // The callee's name, with its qualifier, becomes the runtime's function;
  // the arguments keep their text (and the edits made inside them).
  SourceLocation NameLoc = nameLoc(L.Callee);
  std::optional<unsigned> Begin = offsetOf(L.Callee->getBeginLoc());
  std::optional<unsigned> NameEnd = offsetAfterToken(NameLoc);
  std::optional<unsigned> CalleeEnd =
      offsetAfterToken(L.Call->getCallee()->getEndLoc());
  std::optional<unsigned> LParen =
      CalleeEnd ? tokenAt(*CalleeEnd, tok::l_paren) : std::nullopt;
  const char *Name = L.Reduce ? "parallel_reduce" : "parallel_for";
  if (!Begin || !NameEnd || !LParen || *NameEnd < *Begin) {
    Diag.error(L.Call->getBeginLoc(),
               "cannot rewrite this call of 'spice::%0': it is written inside "
               "a macro expansion")
        << Name << L.Call->getSourceRange();
    return;
  }
  unsigned ArgsBegin = *LParen + 1;
  Edits.replace(*Begin, *NameEnd,
                std::string("spice::detail::") + Name +
                    (L.InParallel ? "" : "_entry"));
  if (L.InParallel) {
    // A blank after the inserted ',' only where the '(' is not already
    // followed by one (no blank at the end of a line).
    const FileTokens::Token *First =
        tokens(File).next(ArgsBegin, /*Comments=*/true);
    bool Spaced = !First || First->Begin > ArgsBegin;
    Edits.insert(ArgsBegin, std::string(ContextArgs) + (Spaced ? "," : ", "));
  }

  // A lambda written as the body takes the scheduler context and becomes
  // parallel code (the runtime calls body(worker, tail, x) when it can).
  const LambdaExpr *LE = L.Body;
  if (!LE || !LE->hasExplicitParameters())
    return;
  const CXXMethodDecl *Op = LE->getCallOperator();
  FunctionTypeLoc FTL = Op->getTypeSourceInfo()
                            ? Op->getTypeSourceInfo()
                                  ->getTypeLoc()
                                  .getAsAdjusted<FunctionTypeLoc>()
                            : FunctionTypeLoc();
  std::optional<unsigned> ParamsOpen =
      FTL ? offsetOf(FTL.getLParenLoc()) : std::nullopt;
  std::optional<unsigned> BodyOpen =
      offsetAfterToken(LE->getBody()->getBeginLoc());
  if (!ParamsOpen || !BodyOpen) {
    Diag.error(LE->getBeginLoc(),
               "cannot rewrite the body of this 'spice::%0': it is written "
               "inside a macro expansion")
        << Name << LE->getSourceRange();
    return;
  }
  Edits.insert(*ParamsOpen + 1,
               std::string(ContextParams) + (Op->getNumParams() ? ", " : ""));
  Edits.insert(*BodyOpen, " spice::Task spice_task(spice_worker, spice_tail);",
               InsertOrder::Normal);
}

std::string RewriteEmitter::destText(const SpawnSite &Site) const {
  if (!Site.KeepResult)
    return "";
  if (Site.Deferred)
    return "spice_res_" + Site.Id;
  if (Site.Form == SpawnForm::Declaration)
    return Site.Var->getNameAsString();
  auto It = DestNames.find(&Site);
  if (It != DestNames.end())
    return It->second;
  return "spice_dst_" + Site.Id;
}

void RewriteEmitter::emitSpawn(ParallelFunction &PF, SpawnSite &Site) {
  std::optional<Range> R = stmtRange(Site.S);
  if (!require(R, Site.Spawn->getBeginLoc(), "this spawn"))
    return;
  const std::string &X = Site.Id;
  std::vector<std::string> Captures, Passed;
  bool ImplicitThis = false;

  // What to call.
  std::string CalleeText;
  std::string Summary;
  if (Site.Callee == CalleeKind::Function) {
    SourceLocation NameLoc = nameLoc(Site.CalleeExpr);
    CalleeText =
        Site.CallsParallel
            ? replaceToken(Site.CalleeExpr, NameLoc,
                           calleeName(Site.CalleeDecl, Site.S->getBeginLoc()))
            : rawText(Site.CalleeExpr->getSourceRange());
    Summary = rawText(Site.CalleeExpr->getSourceRange());
  } else if (Site.Callee == CalleeKind::MemberCall) {
    SourceLocation NameLoc, QualBegin, TemplateKw;
    if (const auto *ME = dyn_cast<MemberExpr>(Site.CalleeExpr)) {
      NameLoc = ME->getMemberLoc();
      QualBegin =
          ME->hasQualifier() ? ME->getQualifierLoc().getBeginLoc() : NameLoc;
      TemplateKw = ME->getTemplateKeywordLoc();
    } else if (const auto *UME =
                   dyn_cast<UnresolvedMemberExpr>(Site.CalleeExpr)) {
      NameLoc = UME->getMemberLoc();
      QualBegin = UME->getQualifierLoc() ? UME->getQualifierLoc().getBeginLoc()
                                         : NameLoc;
      TemplateKw = UME->getTemplateKeywordLoc();
    } else if (const auto *DME =
                   dyn_cast<CXXDependentScopeMemberExpr>(Site.CalleeExpr)) {
      NameLoc = DME->getMemberLoc();
      QualBegin = DME->getQualifierLoc() ? DME->getQualifierLoc().getBeginLoc()
                                         : NameLoc;
      TemplateKw = DME->getTemplateKeywordLoc();
    }
    // `obj->template f<U>`: the keyword stands before the name (after any
    // qualifier), and a dependent object still needs it.
    if (TemplateKw.isValid() &&
        SM.isBeforeInTranslationUnit(TemplateKw, QualBegin))
      QualBegin = TemplateKw;
    std::string Name =
        rawText(SourceRange(QualBegin, Site.CalleeExpr->getEndLoc()));
    if (Site.CallsParallel) {
      unsigned Off = SM.getFileOffset(NameLoc) - SM.getFileOffset(QualBegin);
      unsigned Len = Lexer::MeasureTokenLength(NameLoc, SM, LangOpts);
      if (Off + Len <= Name.size())
        Name = Name.substr(0, Off) + ParallelPrefix +
               Site.CalleeDecl->getNameAsString() + Name.substr(Off + Len);
    }
    if (!Site.Object) {
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Site.CalleeDecl);
      ImplicitThis = !MD || !MD->isStatic();
      CalleeText = ImplicitThis ? "this->" + Name : Name;
    } else {
      CalleeText = (Site.ObjectIsPointer ? "spice_obj->" : "spice_obj.") + Name;
    }
    Summary = rawText(Site.CalleeExpr->getSourceRange());
  } else if (Site.Callee == CalleeKind::MemberPointer) {
    Summary = rawText(Site.CalleeExpr->getSourceRange());
    if (Site.CalleeDecl) {
      const auto *UO = cast<UnaryOperator>(Site.CalleeExpr->IgnoreParens());
      SourceLocation NameLoc = nameLoc(UO->getSubExpr()->IgnoreParens());
      CalleeText =
          Site.CallsParallel
              ? replaceToken(Site.CalleeExpr, NameLoc,
                             calleeName(Site.CalleeDecl, Site.S->getBeginLoc()))
              : Summary;
    } else {
      CalleeText = "spice_fn";
      Captures.push_back("spice_fn = " + takeText(Site.CalleeExpr));
    }
  } else {
    Summary = rawText(Site.CalleeExpr->getSourceRange());
    Captures.push_back(std::string(Site.CalleeMode == CaptureMode::ByReference
                                       ? "&spice_fn = "
                                       : "spice_fn = ") +
                       takeText(Site.CalleeExpr));
    // A function object whose operator() is parallel: its parallel version.
    CalleeText = Site.CallsParallel
                     ? "spice_fn." + parallelName(Site.CalleeDecl)
                     : std::string("spice_fn");
  }
  if (ImplicitThis)
    Captures.insert(Captures.begin(), "this");
  if (Site.Object)
    Captures.push_back(std::string(Site.ObjectMode == CaptureMode::ByReference
                                       ? "&spice_obj = "
                                       : "spice_obj = ") +
                       takeText(Site.Object));
  std::vector<std::string> ArgSummaries;
  for (unsigned I = 0; I < Site.Args.size(); ++I) {
    const SpawnArg &Arg = Site.Args[I];
    std::string Name = "spice_arg" + std::to_string(I);
    ArgSummaries.push_back(rawText(Arg.E->getSourceRange()));
    if (Arg.Mode == CaptureMode::ByReference) {
      Captures.push_back("&" + Name + " = " + takeText(Arg.E));
      Passed.push_back(Name);
    } else if (Arg.Mode == CaptureMode::ByXValue) {
      // An init-capture cannot bind an lvalue reference to an xvalue.
      Captures.push_back("&" + Name + " = spice::detail::lvalue_of(" +
                         takeText(Arg.E) + ")");
      Passed.push_back("std::move(" + Name + ")");
    } else {
      Captures.push_back(Name + " = " + takeText(Arg.E));
      Passed.push_back("std::move(" + Name + ")");
    }
  }
  if (Site.CallsParallel)
    Passed.insert(Passed.begin(), ContextArgs);
  std::string Call;
  if (Site.Callee == CalleeKind::MemberPointer) {
    std::vector<std::string> InvokeArgs{CalleeText, "spice_obj"};
    InvokeArgs.insert(InvokeArgs.end(), Passed.begin(), Passed.end());
    Call = "std::invoke(" + joinStrings(InvokeArgs, ", ") + ")";
  } else {
    Call = CalleeText + "(" + joinStrings(Passed, ", ") + ")";
  }
  std::string Lambda = "[" + joinStrings(Captures, ", ") + "](spice::Task" +
                       (Site.CallsParallel ? " spice_task" : "") +
                       ") mutable { return " + Call + "; }";

  // Where the result goes.
  std::string DestTextForComment;
  std::string Dest = "";
  std::string DestSetup;
  if (Site.Form == SpawnForm::Assignment) {
    DestTextForComment = rawText(Site.Dest->getSourceRange());
    std::string LHS = takeText(Site.Dest);
    const auto *DRE = dyn_cast<DeclRefExpr>(Site.Dest->IgnoreParens());
    if (DRE && !DRE->hasQualifier() && Site.DestVar) {
      DestNames[&Site] = LHS;
    } else if (Site.KeepResult && !PF.UsesGroup) {
      DestSetup = "auto &spice_dst_" + X + " = " + LHS + ";\n";
    } else {
      DestNames[&Site] = "*std::addressof(" + LHS + ")";
    }
  } else if (Site.Form == SpawnForm::Declaration) {
    DestTextForComment = Site.Var->getNameAsString();
  }
  Dest = destText(Site);

  // The declared variable (local form: the result type of the handle).
  std::string ResultType =
      PF.UsesGroup
          ? "std::invoke_result_t<decltype(spice_call_" + X +
                ") &, spice::Task>"
          : "spice::detail::spawn_result_t<decltype(spice_fut_" + X + ")>";
  std::string VarDecl;
  bool Deduced = false;
  if (Site.Form == SpawnForm::Declaration) {
    const clang::VarDecl *VD = Site.Var;
    Deduced = VD->getType()->getContainedDeducedType() ||
              (VD->getTypeSourceInfo() &&
               VD->getTypeSourceInfo()->getType()->getContainedDeducedType());
    std::string Attrs = Site.KeepResult ? "" : "[[maybe_unused]] ";
    if (Site.Deferred) {
      // No default constructor: the result waits here until the variable
      // is declared at the sync.
      VarDecl =
          "spice::detail::Deferred<" + ResultType + "> spice_res_" + X + ";";
      Deduced = true;
      // The declaration up to its name, or up to the ']' of a structured
      // binding (`auto [q, r]`).
      SourceLocation DeclEnd = VD->getLocation();
      if (const auto *DD = dyn_cast<DecompositionDecl>(VD))
        if (!DD->bindings().empty())
          if (std::optional<Token> Close = Lexer::findNextToken(
                  DD->bindings().back()->getLocation(), SM, LangOpts))
            DeclEnd = Close->getLocation();
      if (Site.BindAt)
        Bindings[Site.BindAt] +=
            "\n" + rawText(SourceRange(Site.S->getBeginLoc(), DeclEnd)) +
            " = std::move(*spice_res_" + X + ");";
    } else if (Deduced) {
      VarDecl = Attrs + ResultType + " " + VD->getNameAsString() + ";";
    } else {
      SourceLocation DeclEnd = VD->getLocation();
      if (VD->getTypeSourceInfo()) {
        SourceLocation TypeEnd =
            VD->getTypeSourceInfo()->getTypeLoc().getEndLoc();
        if (TypeEnd.isValid() && SM.isBeforeInTranslationUnit(DeclEnd, TypeEnd))
          DeclEnd = TypeEnd;
      }
      SourceRange Written(Site.S->getBeginLoc(), DeclEnd);
      std::string Text = rawText(Written);
      std::optional<Range> At = fileRange(Written);
      if (VD->getType().isConstQualified() && VD->getTypeSourceInfo() && At)
        Text = withoutTopLevelConst(VD, At->Begin, Text);
      VarDecl = Attrs + llvm::StringRef(Text).trim().str() + ";";
    }
  }

  std::string Comment =
      "// spice: spawn " +
      summary(Site.Callee == CalleeKind::Function ||
                      Site.Callee == CalleeKind::Callable
                  ? Summary + "(" + joinStrings(ArgSummaries, ", ") + ")"
                  : Summary + "(" + joinStrings(ArgSummaries, ", ") + ")");
  if (!DestTextForComment.empty())
    Comment += Site.KeepResult ? " into " + summary(DestTextForComment)
                               : " (result unused: no later sync in scope)";
  Comment += "\n";

  std::string Code;
  bool BindAfter = false;
  if (!PF.UsesGroup) {
    // The record (job, callable, result) is the only escaped object; the
    // handle spice_fut_X stays in registers. C++17 evaluates the right
    // operand of '=' first: the arguments are captured before the
    // destination is bound.
    Code =
        "auto spice_call_" + X + " = spice::detail::record(" + Lambda + ");\n" +
        DestSetup + "auto spice_fut_" + X +
        " = spice::detail::spawn(spice_task, spice_call_" + X +
        (Site.NothrowUntilJoin ? ", spice::detail::nothrow_until_join" : "") +
        ");\n" + VarDecl;
  } else if (Site.Form == SpawnForm::Declaration && Deduced) {
    Code = "auto spice_call_" + X + " = " + Lambda + ";\n" + VarDecl + "\n" +
           "spice_group.fork(spice_task, std::move(spice_call_" + X + ")" +
           (Site.KeepResult ? ", &" + Dest : std::string()) + ");";
  } else {
    std::string Target;
    if (Site.KeepResult)
      Target = Site.Form == SpawnForm::Declaration || DestNames.count(&Site)
                   ? ", &" + Dest
                   : "";
    if (Site.KeepResult && llvm::StringRef(Dest).starts_with("*std::addressof"))
      Target = ", " + Dest.substr(1);
    // A destination that is an expression (`out[n++]`) is evaluated after
    // the arguments, as C++17 orders `lhs = rhs`: the closure is built in a
    // statement of its own, as function arguments have no order.
    BindAfter = llvm::StringRef(Target).starts_with(", std::addressof");
    if (BindAfter)
      Code = "auto spice_call_" + X + " = " + Lambda + ";\n" +
             "spice_group.fork(spice_task, std::move(spice_call_" + X + ")" +
             Target + ");";
    else
      Code = VarDecl + (VarDecl.empty() ? "" : "\n") +
             "spice_group.fork(spice_task, " + Lambda + Target + ");";
  }
  (void)Edits.takeText(R->Begin, R->End);
  std::string Indent = Edits.indentationAt(R->Begin);
  std::string Text = Comment + Code;
  bool SeveralStatements = Site.Form == SpawnForm::Declaration || !PF.UsesGroup;
  // Braces around the closure's declaration also keep it out of the way of
  // a later `case` label when the spawn stands in a switch.
  if ((!Site.InBlock && SeveralStatements) || BindAfter)
    Text = "{\n" + Text + "\n}";
  Edits.replace(R->Begin, R->End, Format.format(Text, Indent));
}

std::string RewriteEmitter::joinCode(const JoinPlan &Join,
                                     const std::string *Return) const {
  if (Join.Group)
    return "spice_group.sync(spice_task);";
  const std::vector<const SpawnSite *> &Futures = Join.Futures;
  auto addressOf = [](const std::string &Dest) {
    return llvm::StringRef(Dest).starts_with("*") ? Dest.substr(1) : "&" + Dest;
  };
  if (Return && Futures.size() == 1) {
    // Each path gets its own return: the fast path's call flows straight
    // into it (docs/rewrite.md, "A sync before a return").
    const std::string &X = Futures.front()->Id;
    std::string Dest = destText(*Futures.front());
    std::string Assign = Dest.empty() ? "(void)" : Dest + " = ";
    return "if (spice_fut_" + X + ".shared(spice_task)) {\n" + Assign +
           "spice_fut_" + X + ".join_shared(spice_task);\n" + *Return +
           "\n}\nspice_fut_" + X + ".pop(spice_task);\n" + Assign +
           "spice_fut_" + X + ".call(spice_task);";
  }
  auto joinOne = [&](const SpawnSite *S) {
    std::string Dest = destText(*S);
    const std::string &X = S->Id;
    if (Dest.empty())
      return "if (!spice_fut_" + X +
             ".join_into(spice_task))\n(void)spice_fut_" + X +
             ".call(spice_task);";
    return "if (!spice_fut_" + X + ".join_into(spice_task, " + addressOf(Dest) +
           "))\n" + Dest + " = spice_fut_" + X + ".call(spice_task);";
  };
  if (Futures.empty())
    return "";
  if (Futures.size() == 1)
    return joinOne(Futures.front());
  std::string Code = "{\nspice::SyncErrors spice_errors;\n";
  // After a join that throws, the others still run and rethrow() throws:
  // the destinations are named so that GCC does not warn they may be unset.
  std::vector<std::string> Outputs;
  for (auto It = Futures.rbegin(); It != Futures.rend(); ++It)
    if (std::string Dest = destText(**It); !Dest.empty())
      Outputs.push_back(addressOf(Dest));
  if (!Outputs.empty())
    Code += "spice_errors.outputs(" + joinStrings(Outputs, ", ") + ");\n";
  for (auto It = Futures.rbegin(); It != Futures.rend(); ++It)
    Code += "spice_errors.run([&] {\n" + joinOne(*It) + "\n});\n";
  return Code + "spice_errors.rethrow();\n}";
}

std::optional<std::string>
RewriteEmitter::returnCopy(const ParallelFunction &PF,
                           const SyncPoint &P) const {
  if (P.Join.Group || P.Join.Futures.size() != 1)
    return std::nullopt;
  const SpawnSite &Site = *P.Join.Futures.front();
  // The future must still be queued here: no other sync joined it before
  // (a return follows, so this point runs at most once per call).
  for (const SyncPoint &Other : PF.Points)
    if (&Other != &P && Other.PointKind == SyncPoint::Sync &&
        llvm::is_contained(Other.Join.Futures, &Site))
      return std::nullopt;
  // join_shared() returns the result by value, from the record.
  QualType T = Site.Spawn->getType();
  if (Site.Deferred || T.isNull() || T->isDependentType() ||
      T->isReferenceType() ||
      !(T->isVoidType() || T.isTriviallyCopyableType(Ctx)))
    return std::nullopt;
  const Stmt *Ret = P.S;
  if (P.PointKind == SyncPoint::Sync) {
    // The statement right after the sync, in its block.
    if (!P.InBlock || P.Frames.empty() || !P.Frames.back().Compound)
      return std::nullopt;
    const CompoundStmt *Block = P.Frames.back().Compound;
    unsigned Next = P.Frames.back().Index + 1;
    if (Next >= Block->size() || Block->body_begin()[Next - 1] != P.S)
      return std::nullopt;
    Ret = Block->body_begin()[Next];
    // The return joins nothing itself (the sync joined everything).
    for (const SyncPoint &Other : PF.Points)
      if (Other.S == Ret && !Other.Join.empty())
        return std::nullopt;
  } else if (P.PointKind != SyncPoint::Return) {
    return std::nullopt;
  }
  if (!isa<ReturnStmt>(Ret) || definesEntities(Ret) ||
      !Bindings.lookup(P.S).empty() || !Bindings.lookup(Ret).empty())
    return std::nullopt;
  std::optional<Range> R = stmtRange(Ret);
  if (!R)
    return std::nullopt;
  return Edits.textWithEdits(R->Begin, R->End);
}

void RewriteEmitter::emitPoint(const ParallelFunction &PF, const SyncPoint &P) {
  std::optional<std::string> Return = returnCopy(PF, P);
  std::string Code = joinCode(P.Join, Return ? &*Return : nullptr);
  std::optional<Range> R = stmtRange(P.S);
  if (P.PointKind == SyncPoint::Sync) {
    if (!require(R, P.S->getBeginLoc(), "this sync"))
      return;
    (void)Edits.takeText(R->Begin, R->End);
    if (Code.empty()) {
      Edits.replace(R->Begin, R->End,
                    "/* spice: sync: nothing to wait for */;");
      return;
    }
    std::string Text =
        "// spice: sync: each call runs here unless another worker took it\n" +
        Code + Bindings.lookup(P.S);
    std::string Indent = Edits.indentationAt(R->Begin);
    // Not in a block, the join needs braces: several statements would leave
    // the block's control, and a lone `if` would take the user's `else`.
    if (!P.InBlock && !P.Join.Group && Code[0] != '{')
      Text = "{\n" + Text + "\n}";
    Edits.replace(R->Begin, R->End, Format.format(Text, Indent));
    return;
  }
  if (Code.empty())
    return;
  if (!require(R, P.S->getBeginLoc(), "this statement"))
    return;
  const char *What = P.PointKind == SyncPoint::Return  ? "returning"
                     : P.PointKind == SyncPoint::Break ? "leaving the loop"
                                                       : "the next iteration";
  std::string Indent = Edits.indentationAt(R->Begin);
  std::string Inner = Indent + "  ";
  std::string Open = "{\n" + Inner + "// spice: sync before " + What + "\n" +
                     Inner + Format.format(Code + Bindings.lookup(P.S), Inner) +
                     "\n" + Inner;
  Edits.insert(R->Begin, Open, InsertOrder::Open);
  Edits.insert(R->End, " }", InsertOrder::Close);
}

void RewriteEmitter::emitBlockEnd(const BlockEnd &End) {
  const CompoundStmt *Block = End.Block;
  std::string Code = joinCode(End.Join);
  if (Code.empty())
    return;
  std::optional<unsigned> At = offsetOf(Block->getRBracLoc());
  if (!require(At ? std::optional<Range>(Range{*At, *At}) : std::nullopt,
               Block->getRBracLoc(), "the end of this block"))
    return;
  std::string Indent = Edits.indentationAt(*At);
  std::string Inner = Indent + "  ";
  std::string Text = "  // spice: sync at the end of the " +
                     std::string(End.IsBody ? "function" : "block") + "\n" +
                     Inner + Format.format(Code, Inner) + "\n" + Indent;
  // A '}' that shares its line with code gets the code on lines of its own.
  const FileTokens &Toks = tokens(File);
  const FileTokens::Token *Prev = Toks.previous(*At, /*Comments=*/true);
  if (Prev && Toks.line(Prev->End) == Toks.line(*At))
    Text = "\n" + Inner + Text.substr(2);
  Edits.insert(*At, Text, InsertOrder::Normal);
}

void RewriteEmitter::emitHead(ParallelFunction &PF, const CompoundStmt *Body,
                              bool TickAtStart) {
  const FunctionDecl *FD = PF.FD;
  std::optional<unsigned> Begin = offsetOf(SM.getExpansionLoc(headBegin(FD)));
  std::optional<unsigned> NameAt = offsetOf(FD->getLocation());
  std::optional<unsigned> BodyOpen = offsetAfterToken(Body->getLBracLoc());
  std::optional<unsigned> BodyEnd =
      offsetAfterToken(FD->getBody()->getEndLoc());
  FunctionTypeLoc FTL = FD->getFunctionTypeLoc();
  std::optional<unsigned> LParen =
      FTL ? offsetOf(FTL.getLParenLoc()) : std::nullopt;
  std::optional<unsigned> RParen =
      FTL ? offsetOf(FTL.getRParenLoc()) : std::nullopt;
  if (!Begin || !NameAt || !BodyOpen || !BodyEnd || !LParen || !RParen) {
    Diag.error(FD->getLocation(),
               "cannot rewrite parallel function %0: its declaration is "
               "written inside a macro expansion")
        << FD;
    return;
  }
  // Where the declaration starts, counting a leading attribute.
  unsigned DeclStart = *Begin;
  for (const Decl *H :
       {static_cast<const Decl *>(FD),
        static_cast<const Decl *>(FD->getDescribedFunctionTemplate())}) {
    if (!H)
      continue;
    for (const auto *A : H->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation() == ParallelAnnotation && !A->isInherited())
        if (std::optional<Range> AR = fileRange(A->getRange()))
          if (AR->Begin < DeclStart)
            DeclStart = attributeListBegin(File, AR->Begin);
    removeAttributes(H);
  }

  std::string Indent = Edits.indentationAt(DeclStart);
  bool InClass = FD->getLexicalDeclContext()->isRecord();
  bool FirstDecl = !FD->getPreviousDecl();
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
    FirstDecl = !FTD->getPreviousDecl();
  bool ForwardDeclare = !InClass && FirstDecl;
  std::string Name = FD->getNameAsString();

  // Before: the entry point's declaration (for code in the body that names
  // the function, e.g. in a lambda) and a comment.
  std::string Before;
  if (ForwardDeclare)
    Before += headText(FD, HeadKind::Entry, false, false) + ";\n" + Indent;
  Before += "// spice: parallel version of " + Name +
            " (scheduler context first); the entry point follows it.\n" +
            Indent;
  Edits.insert(DeclStart, Before, InsertOrder::Open);

  // In place: the parallel version, or its internal body.
  bool Split = splitsBody(FD);
  unsigned NameLen = nameLength(FD, SM, LangOpts);
  Edits.replace(*NameAt, *NameAt + NameLen,
                Split ? BodyPrefix + Name : parallelName(FD));
  if (Split)
    Edits.insert(*Begin, "static inline ", InsertOrder::Normal);
  unsigned Open = LParen.value_or(0) + 1, Close = RParen.value_or(0);
  if (FD->getNumParams() == 0)
    Edits.replace(Open, Close, ContextParams);
  else
    Edits.insert(Open, std::string(ContextParams) + ", ");
  std::string Start =
      std::string(" spice::Task spice_task(spice_worker, spice_tail);") +
      (PF.UsesGroup ? " spice::SpawnGroup spice_group;" : "") +
      (TickAtStart ? " spice_task.tick();" : "");
  Edits.insert(*BodyOpen, Start, InsertOrder::Normal);

  // After: the entry point for ordinary code.
  std::vector<std::string> Forwarded{ContextArgs};
  unsigned I = 0;
  for (const ParmVarDecl *P : FD->parameters()) {
    std::string PName = P->getName().empty() ? "spice_param" + std::to_string(I)
                                             : P->getNameAsString();
    Forwarded.push_back("std::forward<decltype(" + PName + ")>(" + PName + ")" +
                        (P->isParameterPack() ? "..." : ""));
    ++I;
  }
  std::string Callee = parallelName(FD);
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate()) {
    std::vector<std::string> Args;
    bool AllNamed = true;
    const TemplateParameterList *Params = FTD->getTemplateParameters();
    for (const NamedDecl *P : *Params) {
      // Parameters invented for 'auto' parameters cannot be named.
      bool Invented = Params->getTemplateLoc().isInvalid() ||
                      SM.isBeforeInTranslationUnit(Params->getRAngleLoc(),
                                                   P->getLocation());
      if (P->getName().empty() || Invented)
        AllNamed = false;
      Args.push_back(P->getNameAsString() +
                     (P->isParameterPack() ? "..." : ""));
    }
    if (AllNamed && !Args.empty())
      Callee += "<" + joinStrings(Args, ", ") + ">";
  } else if (const ASTTemplateArgumentListInfo *Written =
                 FD->getTemplateSpecializationArgsAsWritten()) {
    // `template <> long f<char>(int)`: the entry point calls the parallel
    // version of the same specialization.
    if (Written->getLAngleLoc().isValid())
      Callee += rawText(
          SourceRange(Written->getLAngleLoc(), Written->getRAngleLoc()));
  }
  std::string Entry =
      headText(FD, HeadKind::Entry, ForwardDeclare, true) + " {\n" +
      "return spice::run_parallel([&](spice::Task spice_task) -> "
      "decltype(auto) {\n" +
      "return " + Callee + "(" + joinStrings(Forwarded, ", ") + ");\n});\n}";
  std::string After;
  if (Split) {
    std::vector<std::string> Passed{"spice_worker", "spice_tail"};
    Passed.insert(Passed.end(), Forwarded.begin() + 1, Forwarded.end());
    std::string Wrapper = headText(FD, HeadKind::Parallel, false, true) +
                          " {\nreturn " + BodyPrefix + Name + "(" +
                          joinStrings(Passed, ", ") + ");\n}";
    After += "\n" + Indent + "// spice: the parallel version of " + Name +
             "; its body is the inline function above.\n" + Indent +
             Format.format(Wrapper, Indent);
  }
  After += "\n" + Indent + "// spice: entry point of " + Name +
           " for ordinary code: runs on the default pool, or "
           "inline on a worker.\n" +
           Indent + Format.format(Entry, Indent);
  Edits.insert(*BodyEnd, After, InsertOrder::Normal);
}

void RewriteEmitter::emitDeclaration(const FunctionDecl *FD) {
  removeAttributes(FD);
  if (const FunctionTemplateDecl *FTD = FD->getDescribedFunctionTemplate())
    removeAttributes(FTD);
  if (!hasParallelVersion(FD, Scope))
    return;
  std::optional<unsigned> Semi = semicolonAfter(FD->getEndLoc());
  if (!Semi)
    return;
  std::string Twin = headText(FD, HeadKind::Parallel, false, false);
  if (Twin.empty())
    return;
  Edits.insert(*Semi, " " + Twin + ";", InsertOrder::Normal);
}

void RewriteEmitter::emitHeaderDeclaration(const FunctionDecl *FD,
                                           SourceLocation FirstUse) {
  // Before the top-level declaration of the main file that uses it.
  SourceLocation Use = SM.getExpansionLoc(FirstUse);
  std::optional<unsigned> At;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    SourceLocation B = SM.getExpansionLoc(D->getBeginLoc());
    SourceLocation E = SM.getExpansionLoc(D->getEndLoc());
    if (SM.getFileID(B) != File || SM.isBeforeInTranslationUnit(Use, B) ||
        SM.isBeforeInTranslationUnit(E, Use))
      continue;
    At = offsetOf(B);
    break;
  }
  if (!At)
    return;
  std::string Open, Close;
  for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      Open = std::string(NS->isInline() ? "inline " : "") + "namespace " +
             NS->getNameAsString() + " { " + Open;
      Close += " }";
    }
  }
  std::string Twin = headText(FD, HeadKind::Parallel, false, false);
  if (Twin.empty())
    return;
  std::string Text = "// spice: parallel version of " + FD->getNameAsString() +
                     ", declared in another file.\n" + Open + Twin + ";" +
                     Close + "\n";
  Edits.insert(*At, Text, InsertOrder::Open);
}

} // namespace spice_rewrite
