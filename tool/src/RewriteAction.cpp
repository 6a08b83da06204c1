//===- RewriteAction.cpp - The frontend action that rewrites one file -----===//
//
// Parse, find, check, emit: errors of any step go to the compiler's
// diagnostics, and a file with errors produces no output at all.
//
//===----------------------------------------------------------------------===//
#include "RewriteAction.h"
#include "Diagnostics.h"
#include "ParallelFinder.h"
#include "RewriteEmitter.h"
#include "RewriteScope.h"
#include "SnippetFormatter.h"
#include "SourceEdits.h"
#include "SpawnAnalysis.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnostic.h"
#include "clang/Frontend/Utils.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace spice_rewrite {
namespace {

llvm::cl::opt<bool> InjectOverlap(
    "inject-overlapping-edit", llvm::cl::Hidden,
    llvm::cl::desc("Testing: add two overlapping edits, which must stop the "
                   "rewrite with an internal error"));

/// Collects every file the preprocessor reads, system headers included.
class AllFilesCollector : public DependencyCollector {
public:
  bool needSystemDependencies() override { return true; }
};

bool declaresSpiceTask(ASTContext &Ctx) {
  for (const NamedDecl *D :
       Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("spice")))
    if (const auto *NS = dyn_cast<NamespaceDecl>(D))
      if (!NS->lookup(&Ctx.Idents.get("Task")).empty())
        return true;
  return false;
}

/// The one-call form of a void call, spawn(f(x)), fails in the serial
/// elision: Clang says "no matching function for call to 'spawn'", with a
/// note from serial.h, "cannot form a reference to 'void'". This consumer
/// holds such an error until its notes tell which it is, then drops it for
/// the tool's own error (reported after the parse) or prints it unchanged.
class VoidSpawnFilter : public DiagnosticConsumer {
public:
  VoidSpawnFilter(DiagnosticsEngine &Diags, const LangOptions &LangOpts)
      : Inner(Diags.getClient()),
        Owned(Diags.ownsClient() ? Diags.takeClient() : nullptr),
        LangOpts(LangOpts), DiagOpts(&Diags.getDiagnosticOptions()) {}

  void BeginSourceFile(const LangOptions &LO, const Preprocessor *PP) override {
    Inner->BeginSourceFile(LO, PP);
  }
  void EndSourceFile() override {
    release();
    Inner->EndSourceFile();
  }
  void finish() override {
    release();
    Inner->finish();
  }
  bool IncludeInDiagnosticCounts() const override {
    return Inner->IncludeInDiagnosticCounts();
  }

  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    if (Level == DiagnosticsEngine::Note && !Held.empty()) {
      llvm::SmallString<128> Text;
      Info.FormatDiagnostic(Text);
      if (llvm::StringRef(Text).contains("cannot form a reference to 'void'") &&
          Info.hasSourceManager() && Info.getLocation().isValid()) {
        const SourceManager &SM = Info.getSourceManager();
        if (SM.getFilename(SM.getSpellingLoc(Info.getLocation()))
                .ends_with("serial.h"))
          VoidSpawn = true;
      }
      Held.emplace_back(Level, Info);
      return;
    }
    release();
    if (Level == DiagnosticsEngine::Error) {
      llvm::SmallString<128> Text;
      Info.FormatDiagnostic(Text);
      if (Text == "no matching function for call to 'spawn'") {
        Held.emplace_back(Level, Info);
        HeldAt = Info.getLocation();
        return;
      }
    }
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    Inner->HandleDiagnostic(Level, Info);
  }

  /// Decides about a held error; returns the void one-call spawns so far.
  const std::vector<SourceLocation> &release() {
    if (Held.empty())
      return VoidSpawns;
    if (VoidSpawn) {
      VoidSpawns.push_back(HeldAt);
    } else {
      TextDiagnostic Printer(llvm::errs(), LangOpts, DiagOpts.get());
      for (StoredDiagnostic &D : Held) {
        if (D.getLevel() >= DiagnosticsEngine::Error)
          ++NumErrors;
        Printer.emitStoredDiagnostic(D);
      }
    }
    Held.clear();
    VoidSpawn = false;
    return VoidSpawns;
  }

private:
  DiagnosticConsumer *Inner;
  std::unique_ptr<DiagnosticConsumer> Owned;
  const LangOptions &LangOpts;
  IntrusiveRefCntPtr<DiagnosticOptions> DiagOpts;
  std::vector<StoredDiagnostic> Held;
  SourceLocation HeldAt;
  bool VoidSpawn = false;
  std::vector<SourceLocation> VoidSpawns;
};

class RewriteConsumer : public ASTConsumer {
public:
  RewriteConsumer(CompilerInstance &CI, RewriteActionFactory &Factory,
                  std::shared_ptr<AllFilesCollector> Files,
                  std::shared_ptr<IncludeTracker> Includes,
                  VoidSpawnFilter *Filter)
      : CI(CI), Factory(Factory), Files(std::move(Files)),
        Includes(std::move(Includes)), Filter(Filter) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    for (SourceLocation At : Filter->release())
      Diagnoser(Diags).error(
          At, "the one-call form 'spice::spawn(f(args...))' needs a call "
              "that returns a value, and this one is void; spawn a void "
              "function as 'spice::spawn(f, args...)'");
    if (Diags.hasErrorOccurred())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    FileID Main = SM.getMainFileID();

    Diagnoser Diag(Diags);
    RewriteScope Scope =
        computeRewriteScope(Ctx, *Includes, Factory.RewriteHeaders, Diag);
    FinderResult Found = findParallelCode(Ctx, Scope);
    SpawnAnalysis Analysis(Ctx, Diag);
    Analysis.checkFile(Found);
    for (auto &PF : Found.Functions)
      Analysis.analyze(*PF);
    ThrowAnalysis Throws(Ctx);
    for (auto &PF : Found.Functions)
      if (!PF->UsesGroup)
        Throws.trustParallel(PF->FD);
    for (auto &PF : Found.Functions)
      Analysis.planUnwinding(*PF, Throws);
    if ((!Found.Functions.empty() || !Found.Declarations.empty()) &&
        !declaresSpiceTask(Ctx)) {
      SourceLocation At = !Found.Functions.empty()
                              ? Found.Functions.front()->FD->getLocation()
                              : Found.Declarations.front()->getLocation();
      Diag.error(At, "[[spice::parallel]] functions need the runtime: add "
                     "#include <spice/spice.h>");
    }
    if (Diag.hasErrors())
      return;

    FileResult &Result = Factory.Result;
    Result.Output =
        rewriteFile(Ctx, Diag, Found, Scope, Main, nameOf(SM, Main));
    for (const RewriteScope::Header &H : Scope.headers()) {
      // The real path: the same #line name whichever way a unit found it.
      std::string Name = nameOf(SM, H.File);
      llvm::SmallString<256> Real;
      if (!llvm::sys::fs::real_path(Name, Real))
        Name = std::string(Real);
      Result.Headers.push_back(
          {H.Mirror, Name, rewriteFile(Ctx, Diag, Found, Scope, H.File, Name)});
    }
    if (Diag.hasErrors())
      return;
    Result.PlainHeaders = Scope.plainHeaders();
    Result.Dependencies.clear();
    for (llvm::StringRef File : Files->getDependencies())
      Result.Dependencies.push_back(File.str());
    Result.Done = true;
  }

private:
  static std::string nameOf(const SourceManager &SM, FileID F) {
    OptionalFileEntryRef Entry = SM.getFileEntryRefForID(F);
    return Entry ? Entry->getName().str() : "";
  }

  /// The text of one rewritten file (unchanged if nothing in it changes).
  std::string rewriteFile(ASTContext &Ctx, Diagnoser &Diag, FinderResult &Found,
                          const RewriteScope &Scope, FileID File,
                          const std::string &Name) {
    llvm::StringRef Buffer = Ctx.getSourceManager().getBufferData(File);
    SourceEdits Edits(Buffer);
    SnippetFormatter Format(Name);
    RewriteEmitter Emitter(Ctx, Diag, Format, Edits, Scope, File);
    Emitter.emit(Found);
    const SourceManager &SM = Ctx.getSourceManager();
    if (File != SM.getMainFileID())
      redirectLocalIncludes(SM, Scope, File, Edits);
    if (InjectOverlap && File == SM.getMainFileID()) {
      Edits.replace(0, 2, "/*");
      Edits.replace(1, 3, "*/");
    }
    // Overlapping edits are a bug of the tool: one would be lost, so the
    // output would be wrong. Fail loudly instead of writing it.
    if (std::optional<unsigned> At = Edits.overlap()) {
      Diag.error(SM.getComposedLoc(File, *At),
                 "internal error of spice-rewrite: two edits overlap here; "
                 "nothing was written (please report this with the input)");
      return "";
    }
    if (Edits.empty())
      return Buffer.str();
    return Edits.apply(Factory.LineDirectives ? llvm::StringRef(Name)
                                              : llvm::StringRef());
  }

  /// A copy of a header lives in another directory: its quoted includes
  /// that were found next to the original name the original by its real
  /// path, or the copy of a rewritten header by its place under the header
  /// directory.
  void redirectLocalIncludes(const SourceManager &SM, const RewriteScope &Scope,
                             FileID File, SourceEdits &Edits) {
    std::string Mirror = Scope.mirrorOf(File);
    llvm::StringRef Dir = llvm::sys::path::parent_path(Mirror);
    for (const IncludeTracker::LocalInclude &L : Includes->localIncludes()) {
      if (L.Includer != File || L.FileName.isInvalid())
        continue;
      auto [BeginFID, Begin] = SM.getDecomposedLoc(L.FileName.getBegin());
      auto [EndFID, End] = SM.getDecomposedLoc(L.FileName.getEnd());
      if (BeginFID != File || EndFID != File || End <= Begin)
        continue;
      FileID Target = SM.translateFile(L.File);
      std::string Copy = Target.isValid() ? Scope.mirrorOf(Target) : "";
      llvm::SmallString<256> Name;
      if (!Copy.empty()) {
        llvm::SmallString<256> Here(Dir);
        llvm::sys::path::append(Here, L.RelativePath);
        llvm::sys::path::remove_dots(Here, /*remove_dot_dot=*/true);
        if (Here == Copy)
          continue; // found next to this copy as next to the original
        for (auto It = llvm::sys::path::begin(Dir),
                  E = llvm::sys::path::end(Dir);
             It != E; ++It)
          llvm::sys::path::append(Name, "..");
        llvm::sys::path::append(Name, Copy);
      } else if (llvm::sys::fs::real_path(L.Path, Name)) {
        continue;
      }
      std::string Quoted = "\"";
      for (char C : Name) {
        if (C == '\\' || C == '"')
          Quoted += '\\';
        Quoted += C;
      }
      Edits.replace(Begin, End, Quoted + "\"");
    }
  }

  CompilerInstance &CI;
  RewriteActionFactory &Factory;
  std::shared_ptr<AllFilesCollector> Files;
  std::shared_ptr<IncludeTracker> Includes;
  VoidSpawnFilter *Filter;
};

class RewriteAction : public ASTFrontendAction {
public:
  explicit RewriteAction(RewriteActionFactory &Factory) : Factory(Factory) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    auto Files = std::make_shared<AllFilesCollector>();
    Files->attachToPreprocessor(CI.getPreprocessor());
    auto Includes = std::make_shared<IncludeTracker>();
    Includes->attach(CI.getPreprocessor());
    auto *Filter = new VoidSpawnFilter(CI.getDiagnostics(), CI.getLangOpts());
    CI.getDiagnostics().setClient(Filter, /*ShouldOwnClient=*/true);
    return std::make_unique<RewriteConsumer>(CI, Factory, Files, Includes,
                                             Filter);
  }

private:
  RewriteActionFactory &Factory;
};

} // namespace

std::unique_ptr<FrontendAction> RewriteActionFactory::create() {
  Result = FileResult();
  return std::make_unique<RewriteAction>(*this);
}

} // namespace spice_rewrite
