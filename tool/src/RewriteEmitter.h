//===- RewriteEmitter.h - Generating the rewritten program text -----------===//
//
// Turns the analysed parallel functions into edits of the main file, in the
// shape docs/rewrite.md fixes: spice_parallel_NAME with a spice::Task first
// parameter, an entry point under the original name, spawned lambdas in
// local futures (spice::detail::spawn) or a spawn group, joins at syncs and
// exits, heartbeat ticks before the first parallel operation and in loops.
// What is joined where is the analysis's plan (SyncPoint::Join, BlockEnds);
// the emitter only writes it.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_REWRITEEMITTER_H
#define SPICE_REWRITE_REWRITEEMITTER_H

#include "Diagnostics.h"
#include "FileTokens.h"
#include "ParallelFinder.h"
#include "SnippetFormatter.h"
#include "SourceEdits.h"

#include <memory>
#include <optional>

namespace spice_rewrite {

class RewriteEmitter {
public:
  /// Emits the edits of the rewritten file \p File into \p Edits.
  RewriteEmitter(clang::ASTContext &Ctx, Diagnoser &Diag,
                 const SnippetFormatter &Format, SourceEdits &Edits,
                 const RewriteScope &Scope, clang::FileID File);

  /// Adds the edits for what the finder found in this emitter's file
  /// (already analysed).
  void emit(FinderResult &Result);

private:
  struct Range {
    unsigned Begin, End;
  };
  enum class HeadKind { Entry, Parallel };

  /// The name a call or spawn at \p At of the parallel function \p Callee
  /// uses: its body's when it is split and \p At is inside that body.
  std::string calleeName(const clang::FunctionDecl *Callee,
                         clang::SourceLocation At) const;

  // Locations.
  std::optional<Range> fileRange(clang::SourceRange R) const;
  std::optional<Range> stmtRange(const clang::Stmt *S) const;
  /// Where statement \p S ends, after its ';' or the '}' of its last
  /// sub-statement (the AST's end location leaves a ';' out).
  std::optional<unsigned> statementEnd(const clang::Stmt *S) const;
  std::optional<unsigned> offsetOf(clang::SourceLocation Loc) const;
  std::optional<unsigned> offsetAfterToken(clang::SourceLocation Loc) const;
  std::optional<unsigned> semicolonAfter(clang::SourceLocation Loc) const;
  /// The offset of the first token at or after \p Offset (blanks and
  /// comments skipped) when it is of kind \p Kind.
  std::optional<unsigned> tokenAt(unsigned Offset,
                                  clang::tok::TokenKind Kind) const;
  /// The raw tokens of \p F (the emitter's file or a header), lexed once.
  const FileTokens &tokens(clang::FileID F) const;
  bool require(std::optional<Range> R, clang::SourceLocation At,
               const char *What);

  // Pieces of text.
  std::string takeText(const clang::Expr *E);
  std::string rawText(clang::SourceRange R) const;
  /// What to delete to remove the attribute written at [\p AttrBegin,
  /// \p AttrEnd) of \p F: its whole `[[...]]` when it is alone there, else
  /// it with one neighbouring comma.
  std::optional<Range> attributeRemoval(clang::FileID F, unsigned AttrBegin,
                                        unsigned AttrEnd) const;
  /// Where the `[[` of the attribute list holding the attribute that begins
  /// at \p AttrBegin starts (\p AttrBegin itself if it is in none).
  unsigned attributeListBegin(clang::FileID F, unsigned AttrBegin) const;
  std::string headText(const clang::FunctionDecl *FD, HeadKind Kind,
                       bool StripDefaults, bool NameParams);
  /// \p Text, the declaration of \p VD up to its name written from
  /// \p TextBegin, without the top-level 'const' of its type (the join
  /// assigns the variable).
  std::string withoutTopLevelConst(const clang::VarDecl *VD, unsigned TextBegin,
                                   llvm::StringRef Text) const;
  std::string replaceToken(const clang::Expr *E, clang::SourceLocation Name,
                           llvm::StringRef NewName) const;

  // Generated code.
  void emitFunction(ParallelFunction &PF, llvm::ArrayRef<LoopCall> Loops);
  /// Places the heartbeat ticks of \p PF (docs/rewrite.md, "Ticks"): before
  /// the first statement of the body that does something parallel, and at
  /// the start of each iteration of the loops that do. False when a
  /// parallel operation could not be placed: the caller ticks at the start.
  bool emitTicks(const ParallelFunction &PF, const clang::CompoundStmt *Body,
                 llvm::ArrayRef<LoopCall> Loops);
  void emitCalls(ParallelFunction &PF);
  void emitParallelCall(const ParallelCall &PC);
  void emitLoop(const LoopCall &L);
  void emitSpawn(ParallelFunction &PF, SpawnSite &Site);
  void emitPoint(const ParallelFunction &PF, const SyncPoint &P);
  void emitBlockEnd(const BlockEnd &End);
  void emitHead(ParallelFunction &PF, const clang::CompoundStmt *Body,
                bool TickAtStart);
  void emitDeclaration(const clang::FunctionDecl *FD);
  void emitHeaderDeclaration(const clang::FunctionDecl *FD,
                             clang::SourceLocation FirstUse);
  void removeAttributes(const clang::Decl *D);

  /// The code of a join plan (empty when it joins nothing). With \p Return,
  /// the text of the return statement that follows the join, a join of one
  /// future gives each of its paths its own copy of that return.
  std::string joinCode(const JoinPlan &Join,
                       const std::string *Return = nullptr) const;
  /// The rewritten text of the return statement that follows \p P (a sync
  /// whose next statement is a return, or a return that syncs), when the
  /// join of \p P can copy it; see joinCode().
  std::optional<std::string> returnCopy(const ParallelFunction &PF,
                                        const SyncPoint &P) const;
  std::string destText(const SpawnSite &Site) const;

  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  const clang::LangOptions &LangOpts;
  Diagnoser &Diag;
  const SnippetFormatter &Format;
  SourceEdits &Edits;
  const RewriteScope &Scope;
  clang::FileID File;
  /// spice_dst_X names of assignment spawns with a non-variable destination.
  llvm::DenseMap<const SpawnSite *, std::string> DestNames;
  /// Declarations of deferred spawn results, by the sync or return that
  /// declares them.
  llvm::DenseMap<const clang::Stmt *, std::string> Bindings;
  mutable llvm::DenseMap<clang::FileID, std::unique_ptr<FileTokens>> Lexed;
};

} // namespace spice_rewrite

#endif
