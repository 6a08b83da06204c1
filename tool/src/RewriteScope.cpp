//===- RewriteScope.cpp - Which files of a translation unit are rewritten -===//
#include "RewriteScope.h"
#include "ParallelAttribute.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/PPCallbacks.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace clang;

namespace spice_rewrite {

class IncludeRecorder : public PPCallbacks {
public:
  IncludeRecorder(IncludeTracker &Tracker, const SourceManager &SM)
      : Tracker(Tracker), SM(SM) {}

  void InclusionDirective(SourceLocation HashLoc, const Token &, StringRef,
                          bool IsAngled, CharSourceRange FileName,
                          OptionalFileEntryRef File, StringRef SearchPath,
                          StringRef RelativePath, const Module *, bool,
                          SrcMgr::CharacteristicKind) override {
    if (!File)
      return;
    FileID Includer = SM.getFileID(SM.getExpansionLoc(HashLoc));
    IncludeTracker::Inclusion Inc;
    Inc.Includer = Includer;
    Inc.RelativePath = RelativePath.str();
    // A quoted include found in the includer's own directory.
    if (!IsAngled)
      if (OptionalFileEntryRef From = SM.getFileEntryRefForID(Includer))
        Inc.RelativeToIncluder = From->getDir().getName() == SearchPath;
    if (Inc.RelativeToIncluder)
      Tracker.Local.push_back({Includer, FileName, &File->getFileEntry(),
                               File->getName().str(), RelativePath.str()});
    Tracker.First.try_emplace(&File->getFileEntry(), std::move(Inc));
  }

private:
  IncludeTracker &Tracker;
  const SourceManager &SM;
};

void IncludeTracker::attach(Preprocessor &PP) {
  PP.addPPCallbacks(
      std::make_unique<IncludeRecorder>(*this, PP.getSourceManager()));
}

const IncludeTracker::Inclusion *
IncludeTracker::find(const FileEntry *File) const {
  auto It = First.find(File);
  return It == First.end() ? nullptr : &It->second;
}

bool RewriteScope::contains(SourceLocation Loc) const {
  return fileOf(Loc).isValid();
}

FileID RewriteScope::fileOf(SourceLocation Loc) const {
  if (Loc.isInvalid())
    return FileID();
  FileID F = SM.getFileID(SM.getExpansionLoc(Loc));
  return Files.count(F) ? F : FileID();
}

std::string RewriteScope::mirrorOf(FileID File) const {
  for (const Header &H : Headers)
    if (H.File == File)
      return H.Mirror;
  return "";
}

std::string RewriteScope::whyNot(SourceLocation Loc) const {
  if (contains(Loc))
    return "";
  FileID F = SM.getFileID(SM.getExpansionLoc(Loc));
  auto It = Reasons.find(F);
  if (It != Reasons.end())
    return It->second;
  if (SM.isInSystemHeader(SM.getExpansionLoc(Loc)))
    return "it is a system header";
  if (!HeaderDir)
    return "no --header-dir was given";
  return "it contains no [[spice::parallel]] of its own";
}

namespace {

/// Collects, without entering function bodies, the files that carry a
/// written [[spice::parallel]] and the parallel definitions outside the main
/// file.
class DeclWalker {
public:
  explicit DeclWalker(const SourceManager &SM) : SM(SM) {}

  void walk(const DeclContext *DC) {
    for (const Decl *D : DC->decls()) {
      if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D)) {
        noteFunction(FTD->getTemplatedDecl());
      } else if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
        noteFunction(FD);
      } else if (const auto *CTD = dyn_cast<ClassTemplateDecl>(D)) {
        walk(CTD->getTemplatedDecl());
      } else if (const auto *Spec =
                     dyn_cast<ClassTemplateSpecializationDecl>(D)) {
        if (Spec->isExplicitSpecialization())
          walk(Spec);
      } else if (isa<NamespaceDecl>(D) || isa<LinkageSpecDecl>(D) ||
                 isa<ExportDecl>(D) || isa<CXXRecordDecl>(D)) {
        walk(cast<DeclContext>(D));
      }
    }
  }

  llvm::DenseSet<FileID> Marked;
  std::vector<const FunctionDecl *> Definitions;

private:
  void noteFunction(const FunctionDecl *FD) {
    for (const Decl *H :
         {static_cast<const Decl *>(FD),
          static_cast<const Decl *>(FD->getDescribedFunctionTemplate())})
      if (H)
        if (const AnnotateAttr *A = getParallelAttr(H))
          Marked.insert(SM.getFileID(SM.getExpansionLoc(A->getLocation())));
    if (FD->doesThisDeclarationHaveABody() && !FD->isTemplateInstantiation() &&
        !SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())) &&
        isParallelFunction(FD))
      Definitions.push_back(FD);
  }

  const SourceManager &SM;
};

/// \p Path without "." and ".." parts, or "" if it would leave its root.
std::string normalize(StringRef Path) {
  llvm::SmallString<256> P(Path);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  llvm::sys::path::native(P, llvm::sys::path::Style::posix);
  if (P.empty() || llvm::sys::path::is_absolute(P) || P.starts_with(".."))
    return "";
  return std::string(P);
}

} // namespace

RewriteScope computeRewriteScope(ASTContext &Ctx,
                                 const IncludeTracker &Includes, bool HeaderDir,
                                 Diagnoser &Diag) {
  const SourceManager &SM = Ctx.getSourceManager();
  RewriteScope Scope(SM);
  Scope.HeaderDir = HeaderDir;
  FileID Main = SM.getMainFileID();
  Scope.Files.insert(Main);

  DeclWalker Walker(SM);
  Walker.walk(Ctx.getTranslationUnitDecl());

  // Where a header's copy goes; sets Why when it cannot be mirrored.
  llvm::DenseMap<FileID, std::string> Mirrors;
  auto mirrorOf = [&](FileID F, std::string &Why) -> std::string {
    const FileEntry *FE = SM.getFileEntryForID(F);
    const IncludeTracker::Inclusion *Inc = FE ? Includes.find(FE) : nullptr;
    if (!Inc) {
      Why = "it is not reached through an #include";
      return "";
    }
    std::string Rel = Inc->RelativePath;
    if (Inc->RelativeToIncluder && Inc->Includer != Main) {
      auto It = Mirrors.find(Inc->Includer);
      if (It == Mirrors.end()) {
        OptionalFileEntryRef From = SM.getFileEntryRefForID(Inc->Includer);
        Why = "it is included relative to " +
              (From ? From->getName().str() : std::string("another file")) +
              ", which is not rewritten; include it through the include "
              "path";
        return "";
      }
      llvm::SmallString<256> P(llvm::sys::path::parent_path(It->second));
      llvm::sys::path::append(P, Rel);
      Rel = std::string(P);
    }
    std::string Out = normalize(Rel);
    if (Out.empty())
      Why = "its include path '" + Inc->RelativePath +
            "' leaves the header directory";
    return Out;
  };

  // Includers are entered before what they include: decide in that order.
  std::vector<FileID> Candidates(Walker.Marked.begin(), Walker.Marked.end());
  llvm::sort(Candidates, [&](FileID A, FileID B) {
    return SM.getLocForStartOfFile(A).getRawEncoding() <
           SM.getLocForStartOfFile(B).getRawEncoding();
  });
  for (FileID F : Candidates) {
    if (F == Main || F.isInvalid())
      continue;
    SourceLocation Start = SM.getLocForStartOfFile(F);
    if (SM.isInSystemHeader(Start) || !SM.getFileEntryForID(F))
      continue;
    if (!HeaderDir)
      continue;
    std::string Why;
    std::string Mirror = mirrorOf(F, Why);
    if (Mirror.empty()) {
      Scope.Reasons[F] = Why;
      continue;
    }
    Mirrors[F] = Mirror;
    Scope.Files.insert(F);
    Scope.Headers.push_back({F, Mirror});
  }

  // User headers that are not rewritten: their stale copies must go.
  if (HeaderDir)
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      FileID F = SM.translateFile(It->first);
      if (F.isInvalid() || F == Main || Scope.Files.count(F) ||
          SM.isInSystemHeader(SM.getLocForStartOfFile(F)))
        continue;
      std::string Why;
      std::string Mirror = mirrorOf(F, Why);
      if (!Mirror.empty())
        Scope.Plain.push_back(Mirror);
    }
  llvm::sort(Scope.Plain);

  for (const FunctionDecl *FD : Walker.Definitions) {
    if (Scope.contains(FD->getLocation()))
      continue;
    SourceLocation At = SM.getExpansionLoc(FD->getLocation());
    if (SM.isInSystemHeader(At)) {
      // Warnings inside system headers are not shown: point at the include.
      FileID F = SM.getFileID(At);
      while (F.isValid() && SM.isInSystemHeader(SM.getLocForStartOfFile(F))) {
        At = SM.getIncludeLoc(F);
        F = At.isValid() ? SM.getFileID(At) : FileID();
      }
      if (At.isInvalid())
        continue;
      Diag.warning(At, "parallel function %0 is defined in a system header, "
                       "which spice-rewrite does not rewrite: it runs "
                       "serially")
          << FD;
      continue;
    }
    Diag.warning(At, "parallel function %0 is defined in a header that is "
                     "not rewritten (%1): it runs serially")
        << FD << Scope.whyNot(At);
  }
  return Scope;
}

} // namespace spice_rewrite
