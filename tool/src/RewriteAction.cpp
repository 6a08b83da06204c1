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
#include "SnippetFormatter.h"
#include "SourceEdits.h"
#include "SpawnAnalysis.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/Utils.h"

using namespace clang;

namespace spice_rewrite {
namespace {

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

class RewriteConsumer : public ASTConsumer {
public:
  RewriteConsumer(CompilerInstance &CI, RewriteActionFactory &Factory,
                  std::shared_ptr<AllFilesCollector> Files)
      : CI(CI), Factory(Factory), Files(std::move(Files)) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    if (Diags.hasErrorOccurred())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    FileID Main = SM.getMainFileID();
    llvm::StringRef Buffer = SM.getBufferData(Main);
    OptionalFileEntryRef MainEntry = SM.getFileEntryRefForID(Main);
    std::string MainName = MainEntry ? MainEntry->getName().str() : "";

    FinderResult Found = findParallelCode(Ctx);
    Diagnoser Diag(Diags);
    SpawnAnalysis Analysis(Ctx, Diag);
    Analysis.checkFile(Found);
    for (auto &PF : Found.Functions)
      Analysis.analyze(*PF);
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

    SourceEdits Edits(Buffer);
    SnippetFormatter Format(MainName);
    RewriteEmitter Emitter(Ctx, Diag, Format, Edits);
    Emitter.emit(Found);
    if (Diag.hasErrors())
      return;

    FileResult &Result = Factory.Result;
    Result.Output =
        Edits.empty() ? Buffer.str()
                      : Edits.apply(Factory.LineDirectives ? MainName
                                                           : llvm::StringRef());
    Result.Dependencies.clear();
    for (llvm::StringRef File : Files->getDependencies())
      Result.Dependencies.push_back(File.str());
    Result.Done = true;
  }

private:
  CompilerInstance &CI;
  RewriteActionFactory &Factory;
  std::shared_ptr<AllFilesCollector> Files;
};

class RewriteAction : public ASTFrontendAction {
public:
  explicit RewriteAction(RewriteActionFactory &Factory) : Factory(Factory) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    auto Files = std::make_shared<AllFilesCollector>();
    Files->attachToPreprocessor(CI.getPreprocessor());
    return std::make_unique<RewriteConsumer>(CI, Factory, Files);
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
